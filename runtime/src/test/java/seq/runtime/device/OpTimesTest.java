package seq.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The per-op timer's tables: one per model and pass, sized by that model's ops (two models in one JVM once crashed it). */
class OpTimesTest {
    @Test
    void eachModelAndPassHasItsOwnTable() {
        Object small = new Object(), large = new Object();
        long[] a = OpTimes.of(small, "forward", 3), b = OpTimes.of(large, "forward", 5), c = OpTimes.of(small, "backward", 7);
        assertEquals(3, a.length);
        assertEquals(5, b.length);
        assertEquals(7, c.length);
        assertNotSame(a, b);
        assertSame(a, OpTimes.of(small, "forward", 3));
    }
}

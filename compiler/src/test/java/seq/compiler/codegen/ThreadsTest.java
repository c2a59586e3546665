package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import seq.compiler.Backend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.runtime.device.Devices;
import seq.runtime.device.Executor;
import seq.runtime.model.Net32;

/**
 * The JVM executor splits each data-parallel op across threads by sample: every buffer must come out
 * exactly as from the single-threaded generated passes, for splits that are uneven (3 threads over 7
 * samples) or larger than the batch (3 threads, 2 samples).
 */
class ThreadsTest {
    static List<org.junit.jupiter.params.provider.Arguments> models() {
        return OpenClTest.models().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void threadsGiveTheSingleThreadedResultBitForBit(String name, String source) throws Exception {
        Backend.Result r = Backend.compile(Sources.compile(source).models().get(0), "seq/gen/Threads", Emitter.Precision.F32, null);
        Net32 net = Harness.net32(r);
        Executor threads = Devices.jvm(net, 3);
        int split = 0;
        for (int batch : new int[] {7, 2}) {
            List<String> symbols = r.plan().symbols();
            Map<String, Integer> sizes = Map.of("batch", batch, "T", 5);
            int[] dims = symbols.stream().mapToInt(sizes::get).toArray();
            float[][] one = buffers(r, net, dims), many = buffers(r, net, dims);
            net.forward(one, dims);
            net.backward(one, dims);
            threads.forward(many, dims);
            threads.backward(many, dims);
            for (Value v : r.plan().buffers()) {
                int i = r.plan().index(v);
                assertArrayEquals(one[i], many[i], v + " with batch " + batch);
            }
            for (int k = 0; k < net.forwardOps(); k++) if (net.forwardItems(dims, k) > 1) split++;
        }
        assertTrue(split > 0, name + ": no op was split");
        assertEquals("jvm (3 threads)", threads.describe());
    }

    private static float[][] buffers(Backend.Result r, Net32 net, int[] dims) {
        int[] lengths = new int[r.plan().buffers().size()];
        net.sizes(dims, lengths);
        float[][] b = new float[lengths.length][];
        Random random = new Random(11);
        for (int i = 0; i < b.length; i++) b[i] = new float[lengths[i]];
        for (Value v : r.plan().buffers()) {
            if (v.role() == Value.Role.INPUT || v.role() == Value.Role.TARGET || v.role() == Value.Role.WEIGHT) {
                float[] a = b[r.plan().index(v)];
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.5 * random.nextGaussian());
            }
        }
        return b;
    }
}

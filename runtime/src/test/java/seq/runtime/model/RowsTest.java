package seq.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RowsTest {
    /** The vector rows give FastMath's bits, on whole vectors and partial tails, and touch nothing outside the row. */
    @Test
    void vectorRowsEqualFastMathBitForBit() {
        Random rng = new Random(11);
        for (int n : new int[] {1, 5, 12, 16, 17, 48, 100, 257}) {
            float[] a = new float[n + 7];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * (i % 3 == 0 ? 0.1 : 6));
            a[3] = -100f;
            a[4] = 100f;
            float[] s = a.clone(), t = a.clone();
            VectorRows.sigmoid(s, 3, n);
            VectorRows.tanh(t, 3, n);
            for (int i = 0; i < a.length; i++) {
                boolean inside = i >= 3 && i < 3 + n;
                assertEquals(inside ? FastMath.sigmoid(a[i]) : a[i], s[i], 0f, "sigmoid, n = " + n + ", at " + i);
                assertEquals(inside ? FastMath.tanh(a[i]) : a[i], t[i], 0f, "tanh, n = " + n + ", at " + i);
            }
        }
    }
}

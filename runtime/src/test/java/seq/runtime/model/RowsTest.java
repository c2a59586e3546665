package seq.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RowsTest {
    /**
     * The vector rows give FastMath's bits, on one segment or several strided ones, of whole vectors and of
     * partial ones, and touch nothing outside the segments.
     */
    @Test
    void vectorRowsEqualFastMathBitForBit() {
        Random rng = new Random(11);
        for (int[] c : new int[][] {{1, 1, 0}, {5, 1, 0}, {12, 1, 0}, {16, 1, 0}, {17, 1, 0}, {48, 1, 0}, {100, 1, 0}, {257, 1, 0},
                                     {12, 16, 48}, {24, 7, 48}, {16, 3, 20}, {6, 5, 6}, {32, 2, 100}}) {
            int n = c[0], count = c[1], stride = c[2];
            float[] a = new float[3 + (count - 1) * stride + n + 7];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * (i % 3 == 0 ? 0.1 : 6));
            a[3] = -100f;
            a[4] = 100f;
            float[] s = a.clone(), t = a.clone();
            VectorRows.sigmoid(s, 3, n, count, stride);
            VectorRows.tanh(t, 3, n, count, stride);
            for (int i = 0; i < a.length; i++) {
                int k = stride == 0 ? 0 : (i - 3) / stride;
                boolean inside = i >= 3 && k < count && i - 3 - k * stride < n;
                String at = "n = " + n + ", count = " + count + ", at " + i;
                assertEquals(inside ? FastMath.sigmoid(a[i]) : a[i], s[i], 0f, "sigmoid, " + at);
                assertEquals(inside ? FastMath.tanh(a[i]) : a[i], t[i], 0f, "tanh, " + at);
            }
        }
    }

    /**
     * A column sum adds each column's rows in order onto db, on whole vector blocks, single vectors and the
     * last columns: the vector form gives the plain loop's bits, a float64 sum to rounding, and leaves the
     * columns outside [j0, j1) alone.
     */
    @Test
    void columnSumAddsEachColumnsRowsInOrder() {
        Random rng = new Random(5);
        for (int[] c : new int[][] {{1, 1, 0, 1}, {7, 100, 0, 64}, {7, 100, 64, 100}, {33, 100, 0, 100}, {5, 150, 3, 149}, {3, 16, 0, 16}}) {
            int m = c[0], n = c[1], j0 = c[2], j1 = c[3], at = 2;
            float[] dz = new float[m * n], db = new float[n + 5];
            for (int i = 0; i < dz.length; i++) dz[i] = (float) rng.nextGaussian();
            for (int i = 0; i < db.length; i++) db[i] = (float) rng.nextGaussian();
            float[] plain = db.clone(), vector = db.clone();
            for (int r = 0; r < m; r++) for (int j = j0; j < j1; j++) plain[at + j] += dz[r * n + j];
            VectorRows.columnSum(dz, m, n, j0, j1, vector, at);
            for (int i = 0; i < db.length; i++) {
                int j = i - at;
                double sum = db[i];
                if (j >= j0 && j < j1) for (int r = 0; r < m; r++) sum += dz[r * n + j];
                assertEquals(plain[i], vector[i], 0f, "m = " + m + ", n = " + n + ", at " + i);
                assertEquals(sum, vector[i], 1e-5 * (1 + m), "float64 sum, m = " + m + ", at " + i);
            }
        }
    }

    /**
     * A column maximum gives the plain loop's maxima and first rows holding them, bit for bit, with ties,
     * both zeros and NaN among the values, on whole vectors and the last columns.
     */
    @Test
    void columnMaxKeepsTheFirstRowHoldingTheMaximum() {
        Random rng = new Random(9);
        for (int[] c : new int[][] {{1, 1}, {5, 16}, {119, 100}, {7, 37}, {2, 3}}) {
            int m = c[0], n = c[1], off = 3, at = 2;
            float[] x = new float[off + m * n];
            // Few distinct values, so ties are common; some zeros of each sign and a NaN.
            for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(5) - 3;
            for (int i = 0; i < x.length; i += 7) x[i] = i % 2 == 0 ? 0f : -0f;
            if (x.length > 40) x[off + n + 1] = Float.NaN;
            float[] y = new float[n + at], arg = new float[n + at], vy = y.clone(), varg = arg.clone();
            for (int j = 0; j < n; j++) {
                y[at + j] = x[off + j];
                for (int r = 1; r < m; r++) {
                    float xv = x[off + r * n + j];
                    if (xv > y[at + j]) arg[at + j] = r;
                    y[at + j] = Math.max(y[at + j], xv);
                }
            }
            VectorRows.columnMax(x, off, m, n, vy, varg, at);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(vy[i]), "max, m = " + m + ", n = " + n + ", at " + i);
                assertEquals(arg[i], varg[i], 0f, "first row of the maximum, m = " + m + ", n = " + n + ", at " + i);
            }
        }
    }
}

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
            // Around the clamps that keep the results normal numbers, and past them.
            float[] edges = {-86.6f, -86.5f, -86.4f, 86.5f, 43.3f, -88.5f, 1000f, -1000f, Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0f};
            for (int e = 0; e < edges.length && 5 + e < a.length; e++) a[5 + e] = edges[e];
            float[] s = a.clone(), t = a.clone();
            VectorRows.sigmoid(s, 3, n, count, stride);
            VectorRows.tanh(t, 3, n, count, stride);
            for (int i = 0; i < a.length; i++) {
                int k = stride == 0 ? 0 : (i - 3) / stride;
                boolean inside = i >= 3 && k < count && i - 3 - k * stride < n;
                String at = "n = " + n + ", count = " + count + ", at " + i;
                assertEquals(Float.floatToRawIntBits(inside ? FastMath.sigmoid(a[i]) : a[i]), Float.floatToRawIntBits(s[i]), "sigmoid, " + at);
                assertEquals(Float.floatToRawIntBits(inside ? FastMath.tanh(a[i]) : a[i]), Float.floatToRawIntBits(t[i]), "tanh, " + at);
            }
        }
    }

    /** Units, samples, and whether a previous step's c exists: narrower than a vector, whole vectors, both. */
    // Samples in whole vectors of 16 (gathered a lane per sample), with samples left over, with and without a previous step.
    private static final int[][] CELLS = {{12, 16, 1}, {12, 3, 0}, {6, 1, 1}, {16, 2, 1}, {64, 3, 1}, {20, 5, 1}, {33, 2, 0}, {1, 4, 1},
        {20, 35, 1}, {6, 17, 0}};

    private static float[] gaussian(Random rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * One LSTM step over samples whose rows are strided as a recurrent layer keeps them (each sample's gate
     * block, its input row, then its row of c, tanh(c) and h, T steps apart, and its row of the recurrent
     * product): the vector form gives the plain form's bits and touches nothing else, both match the cell
     * computed in float64 from its definition, with the pre-activations the input row plus the bias plus (after
     * the first step) the recurrent product; and with the gates written over the input rows themselves (as a
     * layer reading time forwards keeps them), both give the same bits again.
     */
    @Test
    void lstmCellMatchesItsDefinitionAndTheVectorFormGivesTheSameBits() {
        Random rng = new Random(3);
        for (int[] cfg : CELLS) {
            int u = cfg[0], count = cfg[1], steps = 3, s = 1, zAt = 5 + s * 4 * u, zStride = steps * 4 * u, hAt = 2 + s * u, hStride = steps * u;
            int xAt = 1 + 4 * u, xStride = 4 * u + 2, rAt = 3, rStride = 4 * u + 1;
            boolean prev = cfg[2] == 1;
            float[] z = gaussian(rng, 5 + count * zStride + 3, 2), c = gaussian(rng, 2 + count * hStride + 3, 1);
            float[] xw = gaussian(rng, xAt + count * xStride, 2), b = gaussian(rng, 4 * u, 1), r = gaussian(rng, rAt + count * rStride, 2);
            float[] ca = gaussian(rng, c.length, 1), h = gaussian(rng, c.length, 1);
            float[] vz = z.clone(), vc = c.clone(), vca = ca.clone(), vh = h.clone();
            float[] pz = z.clone(), pc = c.clone(), pca = ca.clone(), ph = h.clone();
            VectorRows.lstmCell(r, rAt, rStride, xw, xAt, xStride, b, vz, zAt, zStride, vc, vca, vh, hAt, hStride, prev, u, count);
            for (int k = 0; k < count; k++) {
                int zb = zAt + k * zStride;
                for (int j = 0; j < 4 * u; j++) pz[zb + j] = Rows.preActivation(r, rAt + k * rStride + j, xw, xAt + k * xStride + j, b, j, prev);
                Rows.lstmCell(pz, zb, pc, pca, ph, hAt + k * hStride, prev, u, 0, u);
            }
            String at = "units " + u + ", samples " + count;
            assertBits(pz, vz, "z, " + at);
            assertBits(pc, vc, "c, " + at);
            assertBits(pca, vca, "tanh(c), " + at);
            assertBits(ph, vh, "h, " + at);
            // In place: the input rows become the gates, in both forms, with the same bits as above.
            for (boolean vector : new boolean[] {true, false}) {
                float[] ixw = xw.clone(), ic = c.clone(), ica = ca.clone(), ih = h.clone();
                if (vector) {
                    VectorRows.lstmCell(r, rAt, rStride, ixw, xAt, xStride, b, ixw, xAt, xStride, ic, ica, ih, hAt, hStride, prev, u, count);
                } else {
                    for (int k = 0; k < count; k++) {
                        int xb = xAt + k * xStride;
                        for (int j = 0; j < 4 * u; j++) ixw[xb + j] = Rows.preActivation(r, rAt + k * rStride + j, ixw, xb + j, b, j, prev);
                        Rows.lstmCell(ixw, xb, ic, ica, ih, hAt + k * hStride, prev, u, 0, u);
                    }
                }
                for (int k = 0; k < count; k++) {
                    for (int j = 0; j < 4 * u; j++) {
                        assertEquals(Float.floatToRawIntBits(pz[zAt + k * zStride + j]), Float.floatToRawIntBits(ixw[xAt + k * xStride + j]),
                            "gates in place, " + (vector ? "vector" : "plain") + ", " + at);
                    }
                }
                assertBits(pc, ic, "c in place, " + at);
                assertBits(ph, ih, "h in place, " + at);
            }
            for (int k = 0; k < count; k++) {
                for (int q = 0; q < u; q++) {
                    int zb = zAt + k * zStride + q, xb = xAt + k * xStride + q, hb = hAt + k * hStride + q, rb = rAt + k * rStride + q;
                    double[] pre = new double[4];
                    for (int g = 0; g < 4; g++) pre[g] = (double) xw[xb + g * u] + b[g * u + q] + (prev ? r[rb + g * u] : 0);
                    double ig = sigmoid(pre[0]), fg = sigmoid(pre[1]), gg = Math.tanh(pre[2]), og = sigmoid(pre[3]);
                    double cv = fg * (prev ? c[hb - u] : 0) + ig * gg;
                    assertEquals(ig, pz[zb], 1e-6, "input gate, " + at);
                    assertEquals(gg, pz[zb + 2 * u], 1e-6, "candidate, " + at);
                    assertEquals(cv, pc[hb], 1e-5 * (1 + Math.abs(cv)), "c, " + at);
                    assertEquals(Math.tanh(cv), pca[hb], 1e-5, "tanh(c), " + at);
                    assertEquals(og * Math.tanh(cv), ph[hb], 1e-5, "h, " + at);
                }
            }
            // Outside the rows of the step: untouched.
            for (int i = 0; i < z.length; i++) if (!inBlock(i, zAt, zStride, 4 * u, count)) assertEquals(z[i], vz[i], 0f, "z outside, " + at);
            for (int i = 0; i < c.length; i++) {
                if (!inBlock(i, hAt, hStride, u, count)) {
                    assertEquals(c[i], vc[i], 0f, "c outside, " + at);
                    assertEquals(h[i], vh[i], 0f, "h outside, " + at);
                }
            }
        }
    }

    /**
     * The backward step: the vector form gives the plain form's bits, and the plain form matches the
     * derivatives of the cell taken in float64 by central differences, for dz (through the pre-activations)
     * and for the gradient passed on to the previous c.
     */
    @Test
    void lstmCellGradMatchesCentralDifferencesAndTheVectorFormGivesTheSameBits() {
        Random rng = new Random(4);
        for (int[] cfg : CELLS) {
            int u = cfg[0], count = cfg[1], zStride = 4 * u + 3, hStride = u + 2, zAt = 1, hAt = 1 + u, dzStride = 4 * u + 1;
            boolean prev = cfg[2] == 1;
            float[] pre = gaussian(rng, zAt + count * zStride, 2), c = gaussian(rng, hAt + count * hStride, 1);
            float[] z = pre.clone(), ca = new float[c.length], h = new float[c.length];
            for (int k = 0; k < count; k++) Rows.lstmCell(z, zAt + k * zStride, c, ca, h, hAt + k * hStride, prev, u, 0, u);
            float[] dh = gaussian(rng, count * u, 1), dc = gaussian(rng, count * u, 1);
            float[] vdc = dc.clone(), pdc = dc.clone(), vdz = new float[count * dzStride + 2], pdz = vdz.clone();
            VectorRows.lstmCellGrad(z, zAt, zStride, c, ca, hAt, hStride, prev, dh, vdc, 0, vdz, 2, dzStride, u, count);
            for (int k = 0; k < count; k++) {
                Rows.lstmCellGrad(z, zAt + k * zStride, c, ca, hAt + k * hStride, prev, dh, pdc, k * u, pdz, 2 + k * dzStride, u, 0, u);
            }
            String at = "units " + u + ", samples " + count;
            assertBits(pdz, vdz, "dz, " + at);
            assertBits(pdc, vdc, "dc, " + at);
            // In place: dz written over the gates it is computed from, in both forms, with the same bits.
            for (boolean vector : new boolean[] {true, false}) {
                float[] iz = z.clone(), idc = dc.clone();
                if (vector) {
                    VectorRows.lstmCellGrad(iz, zAt, zStride, c, ca, hAt, hStride, prev, dh, idc, 0, iz, zAt, zStride, u, count);
                } else {
                    for (int k = 0; k < count; k++) {
                        int zb = zAt + k * zStride;
                        Rows.lstmCellGrad(iz, zb, c, ca, hAt + k * hStride, prev, dh, idc, k * u, iz, zb, u, 0, u);
                    }
                }
                for (int k = 0; k < count; k++) {
                    for (int j = 0; j < 4 * u; j++) {
                        assertEquals(Float.floatToRawIntBits(pdz[2 + k * dzStride + j]), Float.floatToRawIntBits(iz[zAt + k * zStride + j]),
                            "dz in place, " + (vector ? "vector" : "plain") + ", " + at);
                    }
                }
                assertBits(pdc, idc, "dc in place, " + at);
            }
            for (int k = 0; k < count; k++) {
                for (int q = 0; q < u; q++) {
                    int zb = zAt + k * zStride + q, hb = hAt + k * hStride + q, d = k * u + q;
                    double[] zq = {pre[zb], pre[zb + u], pre[zb + 2 * u], pre[zb + 3 * u]};
                    double cp = prev ? c[hb - u] : 0;
                    for (int g = 0; g < 4; g++) {
                        double e = 1e-4, saved = zq[g];
                        zq[g] = saved + e;
                        double up = loss(zq, cp, dh[d], dc[d]);
                        zq[g] = saved - e;
                        double down = loss(zq, cp, dh[d], dc[d]);
                        zq[g] = saved;
                        double want = (up - down) / (2 * e);
                        assertEquals(want, pdz[2 + k * dzStride + g * u + q], 1e-4 * (1 + Math.abs(want)), "dz gate " + g + ", " + at);
                    }
                    if (prev) {
                        double e = 1e-4, want = (loss(zq, cp + e, dh[d], dc[d]) - loss(zq, cp - e, dh[d], dc[d])) / (2 * e);
                        assertEquals(want, pdc[d], 1e-4 * (1 + Math.abs(want)), "dc_prev, " + at);
                    }
                }
            }
        }
    }

    /** dh·h + dc·c of one unit's cell in float64, as a function of its pre-activations and the previous c. */
    private static double loss(double[] zq, double cp, double dh, double dc) {
        double cv = sigmoid(zq[1]) * cp + sigmoid(zq[0]) * Math.tanh(zq[2]);
        return dh * sigmoid(zq[3]) * Math.tanh(cv) + dc * cv;
    }

    private static boolean inBlock(int i, int at, int stride, int n, int count) {
        return i >= at && (i - at) / stride < count && (i - at) % stride < n;
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i);
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

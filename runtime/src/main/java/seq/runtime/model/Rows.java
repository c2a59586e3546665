package seq.runtime.model;

/**
 * Operations on rows for generated float32 classes: activations applied in place to row segments (a
 * step's gate pre-activations, for every sample), column sums and column maxima: {@link VectorRows} when
 * the JVM has the Vector API (see {@link Gemm#VECTOR}), else plain loops ({@link FastMath} element by
 * element). Both give the same bits.
 */
public final class Rows {
    private Rows() {}

    /** Sigmoid in place on {@code count} segments {@code a[off + k·stride .. + n)}. */
    public static void sigmoidRows(float[] a, int off, int n, int count, int stride) {
        if (Gemm.VECTOR) {
            VectorRows.sigmoid(a, off, n, count, stride);
        } else {
            for (int k = 0; k < count; k++) for (int i = off + k * stride; i < off + k * stride + n; i++) a[i] = FastMath.sigmoid(a[i]);
        }
    }

    /** Tanh in place on {@code count} segments {@code a[off + k·stride .. + n)}. */
    public static void tanhRows(float[] a, int off, int n, int count, int stride) {
        if (Gemm.VECTOR) {
            VectorRows.tanh(a, off, n, count, stride);
        } else {
            for (int k = 0; k < count; k++) for (int i = off + k * stride; i < off + k * stride + n; i++) a[i] = FastMath.tanh(a[i]);
        }
    }

    /**
     * One LSTM step's gates for {@code count} samples, with sigmoid gates and tanh as the activation (Keras's
     * defaults). Sample k's pre-activations are its input row {@code xw[xAt + k·xStride]} (four blocks of
     * {@code units}: i f g o) plus the bias {@code b}, plus, when {@code prev} is 1, the recurrent product
     * h_{t−1}·U that {@code r[rAt + k·rStride]} holds; the gates' activations (the backward step's slopes need
     * only those) go to its block of {@code z} at {@code zAt + k·zStride}, which may be the input row itself.
     * Its row of c, tanh(c) and h is at {@code hAt + k·hStride} in {@code c}, {@code ca} and {@code h}, and the
     * previous step's c just before it ({@code units} earlier) when {@code prev} is 1, else taken as 0:
     * c = f·c_prev + i·g, ca = tanh(c), h = o·ca.
     */
    public static void lstmCell(float[] r, int rAt, int rStride, float[] xw, int xAt, int xStride, float[] b,
                                float[] z, int zAt, int zStride, float[] c, float[] ca, float[] h, int hAt, int hStride,
                                int prev, int units, int count) {
        if (Gemm.VECTOR) {
            VectorRows.lstmCell(r, rAt, rStride, xw, xAt, xStride, b, z, zAt, zStride, c, ca, h, hAt, hStride, prev != 0, units, count);
        } else {
            for (int k = 0; k < count; k++) {
                int zb = zAt + k * zStride, rb = rAt + k * rStride, xb = xAt + k * xStride;
                for (int j = 0; j < 4 * units; j++) z[zb + j] = preActivation(r, rb + j, xw, xb + j, b, j, prev != 0);
                lstmCell(z, zb, c, ca, h, hAt + k * hStride, prev != 0, units, 0, units);
            }
        }
    }

    /** (xw + b) + r, r the recurrent product, when there is one; else xw + b. */
    static float preActivation(float[] r, int at, float[] xw, int xAt, float[] b, int j, boolean prev) {
        float in = xw[xAt] + b[j];
        return prev ? in + r[at] : in;
    }

    /** {@link #lstmCell} for one sample's units [q0, q1), element by element, from the pre-activations in z. */
    static void lstmCell(float[] z, int zb, float[] c, float[] ca, float[] h, int hb, boolean prev, int u, int q0, int q1) {
        for (int q = q0; q < q1; q++) {
            float ig = FastMath.sigmoid(z[zb + q]), fg = FastMath.sigmoid(z[zb + u + q]);
            float gg = FastMath.tanh(z[zb + 2 * u + q]), og = FastMath.sigmoid(z[zb + 3 * u + q]);
            z[zb + q] = ig;
            z[zb + u + q] = fg;
            z[zb + 2 * u + q] = gg;
            z[zb + 3 * u + q] = og;
            float cv = fg * (prev ? c[hb - u + q] : 0f) + ig * gg;
            float cav = FastMath.tanh(cv);
            c[hb + q] = cv;
            ca[hb + q] = cav;
            h[hb + q] = og * cav;
        }
    }

    /**
     * The backward step of {@link #lstmCell} for {@code count} samples: from the gates' activations in
     * {@code z} (as lstmCell left them), c and tanh(c) (and the previous c when {@code prev} is 1, else 0), and
     * sample k's gradients dh and dc at {@code dAt + k·units}, the pre-activations' gradient into the four
     * blocks at {@code dz[dzAt + k·dzStride]}, and dc·f, the gradient reaching the previous c, into dc:
     * dc' = dc + dh·o·(1 − ca²); dz = (dc'·g·i(1 − i), dc'·c_prev·f(1 − f), dc'·i·(1 − g²), dh·ca·o(1 − o)).
     */
    public static void lstmCellGrad(float[] z, int zAt, int zStride, float[] c, float[] ca, int hAt, int hStride, int prev,
                                    float[] dh, float[] dc, int dAt, float[] dz, int dzAt, int dzStride, int units, int count) {
        if (Gemm.VECTOR) {
            VectorRows.lstmCellGrad(z, zAt, zStride, c, ca, hAt, hStride, prev != 0, dh, dc, dAt, dz, dzAt, dzStride, units, count);
        } else {
            for (int k = 0; k < count; k++) {
                lstmCellGrad(z, zAt + k * zStride, c, ca, hAt + k * hStride, prev != 0, dh, dc, dAt + k * units,
                    dz, dzAt + k * dzStride, units, 0, units);
            }
        }
    }

    /** {@link #lstmCellGrad} for one sample's units [q0, q1), element by element. */
    static void lstmCellGrad(float[] z, int zb, float[] c, float[] ca, int hb, boolean prev, float[] dh, float[] dc, int db,
                             float[] dz, int dzb, int u, int q0, int q1) {
        for (int q = q0; q < q1; q++) {
            float ia = z[zb + q], fa = z[zb + u + q], ga = z[zb + 2 * u + q], oa = z[zb + 3 * u + q];
            float cav = ca[hb + q], cp = prev ? c[hb - u + q] : 0f, dhv = dh[db + q];
            float dcv = dc[db + q] + dhv * oa * (1f - cav * cav);
            dz[dzb + q] = dcv * ga * (ia * (1f - ia));
            dz[dzb + u + q] = dcv * cp * (fa * (1f - fa));
            dz[dzb + 2 * u + q] = dcv * ia * (1f - ga * ga);
            dz[dzb + 3 * u + q] = dhv * cav * (oa * (1f - oa));
            dc[db + q] = dcv * fa;
        }
    }

    /**
     * {@code db[at + j] += sum over rows r < m of dz[r·n + j]}, for the columns j in [j0, j1): a bias's
     * gradient. Each column is summed over the rows in order, so both forms give the same bits.
     */
    public static void columnSum(float[] dz, int m, int n, int j0, int j1, float[] db, int at) {
        if (Gemm.VECTOR) {
            VectorRows.columnSum(dz, m, n, j0, j1, db, at);
        } else {
            // Rows in order, a row's columns innermost: C2 vectorises the inner loop.
            for (int r = 0; r < m; r++) {
                int row = r * n;
                for (int j = j0; j < j1; j++) db[at + j] += dz[row + j];
            }
        }
    }

    /**
     * Over the m rows of n columns from {@code x[off]}: {@code y[at + j]}, the maximum of column j
     * ({@code Math.max} row by row), and {@code arg[at + j]}, the first row holding it (GlobalMaxPooling1D).
     */
    public static void columnMax(float[] x, int off, int m, int n, float[] y, float[] arg, int at) {
        if (Gemm.VECTOR) {
            VectorRows.columnMax(x, off, m, n, y, arg, at);
        } else {
            for (int j = 0; j < n; j++) {
                y[at + j] = x[off + j];
                arg[at + j] = 0;
            }
            for (int r = 1; r < m; r++) {
                int row = off + r * n;
                for (int j = 0; j < n; j++) {
                    float xv = x[row + j], yv = y[at + j];
                    if (xv > yv) arg[at + j] = r;
                    y[at + j] = Math.max(yv, xv);
                }
            }
        }
    }
}

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

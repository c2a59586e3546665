package seq.runtime.init;

/**
 * Reduced QR decomposition of a tall (or square) matrix by Householder reflections, in double
 * precision: {@code A = Q R} with {@code A} of shape (rows, cols), {@code rows >= cols}, {@code Q}
 * (rows, cols) with orthonormal columns and {@code R} (cols, cols) upper triangular.
 *
 * <p>All matrices are flat arrays in row-major (C) order. The computation is sequential with a
 * fixed operation order, so the result is bit-for-bit reproducible.
 *
 * <p>Reflection convention: the k-th reflection maps the sub-column {@code x = A[k:, k]} to
 * {@code alpha e1} with {@code alpha = -sign(x0) ||x||} (sign(0) taken as +1), so the raw
 * {@code R} may have negative diagonal entries; {@link #withPositiveDiagonal()} gives the unique
 * factorisation with a non-negative diagonal (as Keras's Orthogonal initializer does with
 * {@code q *= sign(diag(r))}). A zero sub-column is left alone (identity reflection).
 */
public final class HouseholderQR {

    private final int rows;
    private final int cols;
    private final double[] q;
    private final double[] r;

    private HouseholderQR(int rows, int cols, double[] q, double[] r) {
        this.rows = rows;
        this.cols = cols;
        this.q = q;
        this.r = r;
    }

    /**
     * Decomposes {@code a} (row-major, {@code rows x cols}, {@code rows >= cols}); {@code a} is not
     * modified.
     */
    public static HouseholderQR decompose(double[] a, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative matrix size " + rows + " x " + cols);
        }
        if (rows < cols) {
            throw new IllegalArgumentException(
                    "Householder QR needs rows >= cols, got " + rows + " x " + cols);
        }
        if (a.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix array has length " + a.length
                    + ", expected " + rows + " x " + cols + " = " + ((long) rows * cols));
        }
        final int m = rows;
        final int n = cols;
        // Column-major working copy: w[j * m + i] = A[i][j], so every column is contiguous.
        double[] w = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                w[j * m + i] = a[i * n + j];
            }
        }
        // Householder vectors, column-major: v[k * m + i] for i >= k; vtv[k] = v_k . v_k (0 = none).
        double[] v = new double[m * n];
        double[] vtv = new double[n];

        for (int k = 0; k < n; k++) {
            int ck = k * m;
            double normSq = 0.0;
            for (int i = k; i < m; i++) {
                double x = w[ck + i];
                normSq += x * x;
            }
            if (normSq == 0.0) {
                vtv[k] = 0.0; // identity reflection; R[k][k] = 0
                continue;
            }
            double norm = StrictMath.sqrt(normSq);
            double x0 = w[ck + k];
            double alpha = x0 >= 0.0 ? -norm : norm;
            // v = x - alpha e1
            double vv = 0.0;
            for (int i = k; i < m; i++) {
                double vi = (i == k) ? x0 - alpha : w[ck + i];
                v[ck + i] = vi;
                vv += vi * vi;
            }
            vtv[k] = vv;
            // Column k becomes alpha e1.
            w[ck + k] = alpha;
            for (int i = k + 1; i < m; i++) {
                w[ck + i] = 0.0;
            }
            // Apply H = I - 2 v v^T / (v^T v) to the remaining columns.
            for (int j = k + 1; j < n; j++) {
                int cj = j * m;
                double s = 0.0;
                for (int i = k; i < m; i++) {
                    s += v[ck + i] * w[cj + i];
                }
                double f = 2.0 * s / vv;
                for (int i = k; i < m; i++) {
                    w[cj + i] -= f * v[ck + i];
                }
            }
        }

        // R: the upper n x n triangle, row-major.
        double[] r = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                r[i * n + j] = w[j * m + i];
            }
        }

        // Q = H_0 H_1 ... H_{n-1} I[:, :n], built column-major by applying the reflections in
        // reverse order. Column j of the identity is untouched by H_k for k > j (zero below row k).
        double[] qc = new double[m * n];
        for (int j = 0; j < n; j++) {
            qc[j * m + j] = 1.0;
        }
        for (int k = n - 1; k >= 0; k--) {
            double vv = vtv[k];
            if (vv == 0.0) {
                continue;
            }
            int ck = k * m;
            for (int j = k; j < n; j++) {
                int cj = j * m;
                double s = 0.0;
                for (int i = k; i < m; i++) {
                    s += v[ck + i] * qc[cj + i];
                }
                double f = 2.0 * s / vv;
                for (int i = k; i < m; i++) {
                    qc[cj + i] -= f * v[ck + i];
                }
            }
        }
        double[] q = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = qc[j * m + i];
            }
        }
        return new HouseholderQR(m, n, q, r);
    }

    /** Number of rows of the decomposed matrix (and of {@link #q()}). */
    public int rows() {
        return rows;
    }

    /** Number of columns of the decomposed matrix (and of {@link #q()} and {@link #r()}). */
    public int cols() {
        return cols;
    }

    /** Q, row-major {@code rows x cols}, orthonormal columns. A copy. */
    public double[] q() {
        return q.clone();
    }

    /** R, row-major {@code cols x cols}, upper triangular. A copy. */
    public double[] r() {
        return r.clone();
    }

    /**
     * The same factorisation with Q's columns and R's rows multiplied by the sign of R's diagonal
     * (sign(0) taken as +1), so that R's diagonal is non-negative; for a full-rank matrix this is
     * the unique reduced QR decomposition. Q R is unchanged.
     */
    public HouseholderQR withPositiveDiagonal() {
        double[] q2 = q.clone();
        double[] r2 = r.clone();
        for (int j = 0; j < cols; j++) {
            if (r[j * cols + j] < 0.0) {
                for (int i = 0; i < rows; i++) {
                    q2[i * cols + j] = -q2[i * cols + j];
                }
                for (int c = 0; c < cols; c++) {
                    r2[j * cols + c] = -r2[j * cols + c];
                }
            }
        }
        return new HouseholderQR(rows, cols, q2, r2);
    }
}

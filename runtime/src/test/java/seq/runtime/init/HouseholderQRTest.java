package seq.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HouseholderQRTest {

    /**
     * A = [[0, 1], [1, 1]], by hand with the reflection convention alpha = -sign(x0) ||x||
     * (sign(0) = +1):
     * k = 0: x = (0, 1), alpha = -1, v = (1, 1), H0 = I - v v^T = [[0, -1], [-1, 0]];
     *        H0 A = [[-1, -1], [0, -1]].
     * k = 1: x = (-1), alpha = +1, v = (-2), H1 = diag(1, -1); R = [[-1, -1], [0, 1]].
     * Q = H0 H1 = [[0, 1], [-1, 0]]; Q R = [[0, 1], [1, 1]] = A.
     * With a positive diagonal: Q = [[0, 1], [1, 0]], R = [[1, 1], [0, 1]].
     */
    @Test
    void twoByTwoByHand() {
        double[] a = {0, 1, 1, 1};
        HouseholderQR qr = HouseholderQR.decompose(a, 2, 2);
        assertArrayEquals(new double[] {0, 1, -1, 0}, qr.q(), 1e-15);
        assertArrayEquals(new double[] {-1, -1, 0, 1}, qr.r(), 1e-15);
        HouseholderQR pos = qr.withPositiveDiagonal();
        assertArrayEquals(new double[] {0, 1, 1, 0}, pos.q(), 1e-15);
        assertArrayEquals(new double[] {1, 1, 0, 1}, pos.r(), 1e-15);
        assertArrayEquals(a, multiply(qr.q(), qr.r(), 2, 2, 2), 1e-15);
        assertArrayEquals(new double[] {0, 1, 1, 1}, a, 0.0, "input must not be modified");
    }

    /**
     * A 3x2 matrix built from known factors: q1 = (0.6, 0.8, 0), q2 = (0.48, -0.36, 0.8)
     * (q1 . q2 = 0.288 - 0.288 = 0, |q2|^2 = 0.2304 + 0.1296 + 0.64 = 1), R = [[5, 10], [0, 5]]:
     * column 1 = 5 q1 = (3, 4, 0); column 2 = 10 q1 + 5 q2 = (8.4, 6.2, 4).
     * The first reflection maps (3, 4, 0) to (-5, 0, 0) since x0 = 3 > 0.
     */
    @Test
    void threeByTwoByHand() {
        double[] a = {3, 8.4, 4, 6.2, 0, 4};
        HouseholderQR qr = HouseholderQR.decompose(a, 3, 2);
        assertEquals(3, qr.rows());
        assertEquals(2, qr.cols());
        assertEquals(-5.0, qr.r()[0], 1e-14);
        assertEquals(0.0, qr.r()[2], 0.0); // below the diagonal
        HouseholderQR pos = qr.withPositiveDiagonal();
        assertArrayEquals(new double[] {0.6, 0.48, 0.8, -0.36, 0.0, 0.8}, pos.q(), 1e-14);
        assertArrayEquals(new double[] {5, 10, 0, 5}, pos.r(), 1e-13);
        assertArrayEquals(a, multiply(qr.q(), qr.r(), 3, 2, 2), 1e-13);
        assertArrayEquals(a, multiply(pos.q(), pos.r(), 3, 2, 2), 1e-13);
    }

    @Test
    void randomMatricesReconstructWithOrthonormalQAndTriangularR() {
        int[][] sizes = {{1, 1}, {5, 1}, {4, 4}, {9, 3}, {48, 12}, {30, 30}};
        Rng rng = new Rng(77L);
        for (int[] s : sizes) {
            int m = s[0];
            int n = s[1];
            double[] a = new double[m * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.normal();
            }
            for (HouseholderQR qr : new HouseholderQR[] {
                    HouseholderQR.decompose(a, m, n), HouseholderQR.decompose(a, m, n).withPositiveDiagonal()}) {
                double[] q = qr.q();
                double[] r = qr.r();
                assertArrayEquals(a, multiply(q, r, m, n, n), 1e-12, "QR != A for " + m + "x" + n);
                assertIdentity(gramColumns(q, m, n), n, 1e-12);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        assertEquals(0.0, r[i * n + j], 0.0, "R not upper triangular");
                    }
                }
            }
            double[] rp = HouseholderQR.decompose(a, m, n).withPositiveDiagonal().r();
            for (int j = 0; j < n; j++) {
                assertTrue(rp[j * n + j] > 0, "positive diagonal expected");
            }
        }
    }

    @Test
    void zeroColumnIsHandled() {
        double[] a = {1, 0, 2, 0, 2, 0}; // 3x2, second column zero
        HouseholderQR qr = HouseholderQR.decompose(a, 3, 2);
        assertArrayEquals(a, multiply(qr.q(), qr.r(), 3, 2, 2), 1e-14);
        assertIdentity(gramColumns(qr.q(), 3, 2), 2, 1e-14);
        assertEquals(0.0, qr.r()[3], 1e-15);
    }

    @Test
    void rejectsWideOrMismatchedInput() {
        assertThrows(IllegalArgumentException.class, () -> HouseholderQR.decompose(new double[6], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> HouseholderQR.decompose(new double[5], 3, 2));
    }

    // ---- helpers shared with InitializersTest

    /** (m x k) times (k x n), row-major. */
    static double[] multiply(double[] x, double[] y, int m, int k, int n) {
        double[] z = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += x[i * k + t] * y[t * n + j];
                }
                z[i * n + j] = s;
            }
        }
        return z;
    }

    /** X^T X for X (m x n) row-major: n x n. */
    static double[] gramColumns(double[] x, int m, int n) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < m; t++) {
                    s += x[t * n + i] * x[t * n + j];
                }
                g[i * n + j] = s;
            }
        }
        return g;
    }

    /** X X^T for X (m x n) row-major: m x m. */
    static double[] gramRows(double[] x, int m, int n) {
        double[] g = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int t = 0; t < n; t++) {
                    s += x[i * n + t] * x[j * n + t];
                }
                g[i * m + j] = s;
            }
        }
        return g;
    }

    static void assertIdentity(double[] g, int n, double tol) {
        assertIdentity(g, n, 1.0, tol);
    }

    static void assertIdentity(double[] g, int n, double diag, double tol) {
        assertEquals(n * n, g.length);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double expected = i == j ? diag : 0.0;
                assertEquals(expected, g[i * n + j], tol, "Gram matrix entry (" + i + ", " + j + ")");
            }
        }
    }
}

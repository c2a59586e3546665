package seq.runtime.model;

/**
 * The matrix product that generated float32 model classes call for every product the compiler writes
 * as a {@code gemm} (dense layers, the recurrences' input products and per-step recurrent products,
 * weight gradients): {@code C[i, j] (+)= sum_p A[i, p] · B[p, j]} over strided views of flat arrays.
 *
 * <p>Why it is shaped this way: HotSpot's C2 vectorises {@code y[j] += s · w[j]} only when both arrays
 * are indexed at the same offset; the row of the product and the row of B never are. So each call
 * copies a panel of B (up to {@link #KC} rows × {@link #NC} columns) into rows of their own at offset
 * 0, keeps four rows of C in scratch rows at offset 0, and runs the inner loop over j with one row of
 * B feeding four rows of C: loops C2 turns into packed multiply-adds. Every C element still sums its
 * terms in order p = 0, 1, ..., so the result does not depend on how callers split rows or columns
 * across threads. The scratch belongs to the calling thread and is reused: a call allocates nothing
 * once the thread has seen its largest panel.
 */
public final class Gemm {
    /** The panel of B packed per pass: rows of the inner dimension, and columns. */
    static final int KC = 128, NC = 512;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {}

    private static final class Scratch {
        final float[][] panel = new float[KC][NC];
        final float[] c0 = new float[NC], c1 = new float[NC], c2 = new float[NC], c3 = new float[NC];
    }

    /**
     * {@code C[i, j] = sum_p A[i, p] · B[p, j]} (or {@code +=} with {@code accumulate} ≠ 0) for i below m,
     * j below n, p below k, where {@code A[i, p] = a[aOff + i·aRow + p·aCol]},
     * {@code B[p, j] = b[bOff + p·bRow + j·bCol]} and {@code C[i, j] = c[cOff + i·cRow + j]}. Strides may
     * be negative (a sequence read backwards). C must not overlap A or B.
     */
    public static void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                            float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        if (m <= 0 || n <= 0) return;
        Scratch s = SCRATCH.get();
        if (k <= 0) {
            if (accumulate == 0) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * cRow, cOff + i * cRow + n, 0f);
            return;
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                pack(b, bOff + p0 * bRow + j0 * bCol, bRow, bCol, kc, nc, s.panel);
                boolean fresh = p0 == 0 && accumulate == 0;
                int aAt = aOff + p0 * aCol;
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    int at = cOff + i * cRow + j0;
                    load(c, at, cRow, nc, fresh, s.c0, s.c1, s.c2, s.c3);
                    four(a, aAt + i * aRow, aRow, aCol, s.panel, kc, nc, s.c0, s.c1, s.c2, s.c3);
                    System.arraycopy(s.c0, 0, c, at, nc);
                    System.arraycopy(s.c1, 0, c, at + cRow, nc);
                    System.arraycopy(s.c2, 0, c, at + 2 * cRow, nc);
                    System.arraycopy(s.c3, 0, c, at + 3 * cRow, nc);
                }
                for (; i < m; i++) {
                    int at = cOff + i * cRow + j0;
                    if (fresh) java.util.Arrays.fill(s.c0, 0, nc, 0f);
                    else System.arraycopy(c, at, s.c0, 0, nc);
                    one(a, aAt + i * aRow, aCol, s.panel, kc, nc, s.c0);
                    System.arraycopy(s.c0, 0, c, at, nc);
                }
            }
        }
    }

    /** Rows p of {@code B[p, j]} for p below kc, j below nc, each copied to offset 0 of its own row. */
    private static void pack(float[] b, int at, int bRow, int bCol, int kc, int nc, float[][] panel) {
        for (int p = 0; p < kc; p++) {
            float[] row = panel[p];
            int from = at + p * bRow;
            if (bCol == 1) {
                System.arraycopy(b, from, row, 0, nc);
            } else {
                for (int j = 0; j < nc; j++) row[j] = b[from + j * bCol];
            }
        }
    }

    private static void load(float[] c, int at, int cRow, int nc, boolean fresh, float[] c0, float[] c1, float[] c2, float[] c3) {
        if (fresh) {
            java.util.Arrays.fill(c0, 0, nc, 0f);
            java.util.Arrays.fill(c1, 0, nc, 0f);
            java.util.Arrays.fill(c2, 0, nc, 0f);
            java.util.Arrays.fill(c3, 0, nc, 0f);
        } else {
            System.arraycopy(c, at, c0, 0, nc);
            System.arraycopy(c, at + cRow, c1, 0, nc);
            System.arraycopy(c, at + 2 * cRow, c2, 0, nc);
            System.arraycopy(c, at + 3 * cRow, c3, 0, nc);
        }
    }

    /** Four rows of C (starting at A's row {@code at}) updated from every packed row of B. */
    private static void four(float[] a, int at, int aRow, int aCol, float[][] panel, int kc, int nc,
                             float[] c0, float[] c1, float[] c2, float[] c3) {
        for (int p = 0; p < kc; p++) {
            int ap = at + p * aCol;
            float s0 = a[ap], s1 = a[ap + aRow], s2 = a[ap + 2 * aRow], s3 = a[ap + 3 * aRow];
            float[] row = panel[p];
            for (int j = 0; j < nc; j++) {
                float v = row[j];
                c0[j] += s0 * v;
                c1[j] += s1 * v;
                c2[j] += s2 * v;
                c3[j] += s3 * v;
            }
        }
    }

    private static void one(float[] a, int at, int aCol, float[][] panel, int kc, int nc, float[] c0) {
        for (int p = 0; p < kc; p++) {
            float s0 = a[at + p * aCol];
            float[] row = panel[p];
            for (int j = 0; j < nc; j++) c0[j] += s0 * row[j];
        }
    }
}

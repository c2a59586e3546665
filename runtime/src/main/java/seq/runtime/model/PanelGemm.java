package seq.runtime.model;

import java.util.Arrays;

/**
 * {@link Gemm}'s product without the Vector API, in loops HotSpot's C2 vectorises on its own. C2
 * vectorises {@code y[x] += s · w[x]} only when both arrays are indexed at the same offset; a row of C
 * and a row of B never are. So B is copied into rows of its own (a panel), four rows of C are kept in
 * scratch rows at the same column offsets as the panel's, and the inner loop runs over columns with one
 * panel row feeding four rows of C. Each C element sums its terms in order p = 0, 1, ..., so the result
 * does not depend on how callers split rows or columns across threads. A half to a tenth of
 * {@link VectorGemm}'s speed on this project's benchmark machine ({@code bench/gemm}).
 */
final class PanelGemm {
    /** Rows of B packed per pass of {@link #gemm}, and columns of C per pass over the panel. */
    static final int KC = 128, NC = 512;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanelGemm() {}

    private static final class Scratch {
        float[][] panel = new float[0][];
        float[] c0 = new float[0], c1 = c0, c2 = c0, c3 = c0;
        /** What {@link #pack} last packed. */
        Gemm.Packed packed;

        void ensure(int rows, int n) {
            if (panel.length < rows) panel = Arrays.copyOf(panel, rows);
            for (int p = 0; p < rows; p++) if (panel[p] == null || panel[p].length < n) panel[p] = new float[n];
            if (c0.length < n) {
                c0 = new float[n];
                c1 = new float[n];
                c2 = new float[n];
                c3 = new float[n];
            }
        }
    }

    /** {@link Gemm#gemm}. */
    static void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                            float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        Scratch s = SCRATCH.get();
        s.packed = null;
        if (Gemm.empty(c, cOff, cRow, m, n, k, accumulate)) return;
        s.ensure(Math.min(KC, k), n);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            fill(b, bOff + p0 * bRow, bRow, bCol, kc, n, s.panel);
            product(s, a, aOff + p0 * aCol, aRow, aCol, c, cOff, cRow, m, n, kc, p0 == 0 && accumulate == 0);
        }
    }

    /** {@link Gemm#pack}. */
    static void pack(float[] b, int bOff, int bRow, int bCol, int k, int n) {
        Scratch s = SCRATCH.get();
        s.ensure(k, n);
        fill(b, bOff, bRow, bCol, k, n, s.panel);
        s.packed = new Gemm.Packed(b, bOff, bRow, bCol, k, n);
    }

    /** {@link Gemm#gemmPacked}. */
    static void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                                  float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        Scratch s = SCRATCH.get();
        Gemm.Packed.check(s.packed, b, bOff, bRow, bCol, k, n);
        if (Gemm.empty(c, cOff, cRow, m, n, k, accumulate)) return;
        product(s, a, aOff, aRow, aCol, c, cOff, cRow, m, n, k, accumulate == 0);
    }

    /** Rows p of {@code B[p, j]} for p below kc, j below n, each copied to its own panel row. */
    private static void fill(float[] b, int at, int bRow, int bCol, int kc, int n, float[][] panel) {
        for (int p = 0; p < kc; p++) {
            float[] row = panel[p];
            int from = at + p * bRow;
            if (bCol == 1) {
                System.arraycopy(b, from, row, 0, n);
            } else {
                for (int j = 0; j < n; j++) row[j] = b[from + j * bCol];
            }
        }
    }

    /** C (+)= A · panel over the panel's first kc rows, in column blocks of {@link #NC}. */
    private static void product(Scratch s, float[] a, int aOff, int aRow, int aCol, float[] c, int cOff, int cRow,
                                int m, int n, int kc, boolean fresh) {
        float[][] panel = s.panel;
        float[] c0 = s.c0, c1 = s.c1, c2 = s.c2, c3 = s.c3;
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int at = cOff + i * cRow;
                start(c, at, j0, j1, fresh, c0);
                start(c, at + cRow, j0, j1, fresh, c1);
                start(c, at + 2 * cRow, j0, j1, fresh, c2);
                start(c, at + 3 * cRow, j0, j1, fresh, c3);
                four(a, aOff + i * aRow, aRow, aCol, panel, kc, j0, j1, c0, c1, c2, c3);
                System.arraycopy(c0, j0, c, at + j0, j1 - j0);
                System.arraycopy(c1, j0, c, at + cRow + j0, j1 - j0);
                System.arraycopy(c2, j0, c, at + 2 * cRow + j0, j1 - j0);
                System.arraycopy(c3, j0, c, at + 3 * cRow + j0, j1 - j0);
            }
            for (; i < m; i++) {
                int at = cOff + i * cRow;
                start(c, at, j0, j1, fresh, c0);
                one(a, aOff + i * aRow, aCol, panel, kc, j0, j1, c0);
                System.arraycopy(c0, j0, c, at + j0, j1 - j0);
            }
        }
    }

    /** Columns [j0, j1) of a scratch row: zero, or the row of C at {@code at}. */
    private static void start(float[] c, int at, int j0, int j1, boolean fresh, float[] row) {
        if (fresh) Arrays.fill(row, j0, j1, 0f);
        else System.arraycopy(c, at + j0, row, j0, j1 - j0);
    }

    /** Four rows of C (from A's row {@code at}) updated from every panel row, columns [j0, j1). */
    private static void four(float[] a, int at, int aRow, int aCol, float[][] panel, int kc, int j0, int j1,
                             float[] c0, float[] c1, float[] c2, float[] c3) {
        for (int p = 0; p < kc; p++) {
            int ap = at + p * aCol;
            float s0 = a[ap], s1 = a[ap + aRow], s2 = a[ap + 2 * aRow], s3 = a[ap + 3 * aRow];
            float[] row = panel[p];
            for (int j = j0; j < j1; j++) {
                float v = row[j];
                c0[j] += s0 * v;
                c1[j] += s1 * v;
                c2[j] += s2 * v;
                c3[j] += s3 * v;
            }
        }
    }

    private static void one(float[] a, int at, int aCol, float[][] panel, int kc, int j0, int j1, float[] c0) {
        for (int p = 0; p < kc; p++) {
            float s0 = a[at + p * aCol];
            float[] row = panel[p];
            for (int j = j0; j < j1; j++) c0[j] += s0 * row[j];
        }
    }
}

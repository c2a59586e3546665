package seq.runtime.model;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s product with Java's Vector API, register-tiled: B is packed in column strips two
 * vectors wide (each strip row-major over the inner dimension, zero-padded at the right edge) or, with
 * few rows of C, read in place, and an 8 × 2-vector tile of C stays in registers while the inner
 * dimension streams past: per step, two vector loads of B and eight broadcasts of A feed sixteen fused
 * multiply-adds. For a transposed A and for wide products A is packed too, {@link #MC} rows at a time in
 * groups of eight rows interleaved, so that the eight values a step broadcasts are adjacent: the inner loop then reads A at a constant stride from one index,
 * HotSpot drops the bounds checks (A read at a variable column stride cost about 20%), and a transposed
 * A packs as cheaply as one stored by rows. Narrow products read A's rows in place where they are
 * contiguous (a second copy of the kernels, with each row's own index). Loaded
 * only when the JVM has the {@code jdk.incubator.vector} module (trainer jars relaunch themselves with it).
 *
 * <p>Each C element is {@code C + (a0·b0 + a1·b1 + ...)} with the sum a chain of fused multiply-adds in
 * order p = 0, 1, ... ({@link #gemm} in blocks of {@link #KC} inner rows, {@link #gemmPacked} in one
 * chain): for either entry point, the same for any split of rows or
 * columns across threads.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length(), W = 2 * L;
    /** Inner rows of B packed per pass of {@link #gemm}. */
    static final int KC = 256;
    /** Rows of A multiplied by each strip of B before the next strip: a block that stays in cache (a multiple of 8). */
    static final int MC = 64;
    /** From this many strips of B on, A's rows are packed even where they are contiguous. */
    static final int PACK_STRIPS = 8;
    /** Below this many rows of C, {@link #gemm} reads B's whole strips in place instead of packing them. */
    static final int DIRECT_ROWS = 64;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorGemm() {}

    /** Forgets this thread's scratch space (the warm-up's way to keep growing it in HotSpot's profile). */
    static void dropScratch() {
        SCRATCH.remove();
    }

    private static final class Scratch {
        float[] panel = new float[0], rowsOfA = new float[0];
        final float[] tile = new float[8 * W];
        Gemm.Packed packed;

        void ensure(int kc, int n) {
            int size = kc * strips(n) * W;
            if (panel.length < size) panel = new float[size];
        }
    }

    private static int strips(int n) {
        return (n + W - 1) / W;
    }

    static void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                     float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        Scratch s = SCRATCH.get();
        s.packed = null;
        if (Gemm.empty(c, cOff, cRow, m, n, k, accumulate)) return;
        if (bCol == 1 && (k == 1 || m == 1)) {
            // An outer product (one inner row: a single input feature) or a single row of C (a kernel gradient over
            // one feature): no tile to fill, so no packing; the same sums in the same order as the tiles'.
            if (k == 1) outer(a, aOff, aRow, b, bOff, c, cOff, cRow, m, n, accumulate == 0);
            else row(a, aOff, aCol, b, bOff, bRow, c, cOff, n, k, accumulate == 0);
            return;
        }
        s.ensure(Math.min(KC, k), n);
        // With few rows of C, a packed panel is used too little to pay for the copy: whole strips of a B whose
        // rows are contiguous are read in place, and only a last, partial strip is packed (zero-padded).
        boolean direct = bCol == 1 && m < DIRECT_ROWS;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0), at = bOff + p0 * bRow;
            for (int t = direct ? n / W : 0; t < strips(n); t++) fillStrip(b, at, bRow, bCol, kc, n, t, s.panel);
            product(s, a, aOff + p0 * aCol, aRow, aCol, direct ? b : null, at, bRow, c, cOff, cRow, m, n, kc,
                p0 == 0 && accumulate == 0);
        }
    }

    /** C = (fresh ? 0 : C) + fma(A[i, 0], B[0, j], 0): the product as a tile's one fused multiply-add from 0 gives it (−0 as +0). */
    private static void outer(float[] a, int aOff, int aRow, float[] b, int bOff, float[] c, int cOff, int cRow, int m, int n, boolean fresh) {
        int whole = n / L * L;
        for (int i = 0; i < m; i++) {
            float x = a[aOff + i * aRow];
            int ci = cOff + i * cRow;
            FloatVector xv = FloatVector.broadcast(S, x), zero = FloatVector.zero(S);
            for (int j = 0; j < whole; j += L) {
                FloatVector p = xv.fma(FloatVector.fromArray(S, b, bOff + j), zero);
                (fresh ? p : FloatVector.fromArray(S, c, ci + j).add(p)).intoArray(c, ci + j);
            }
            for (int j = whole; j < n; j++) {
                float p = Math.fma(x, b[bOff + j], 0f);
                c[ci + j] = fresh ? p : c[ci + j] + p;
            }
        }
    }

    /**
     * C's one row (+)= Σ_p A[0, p]·B[p, j]: per block of {@link #KC} inner rows, a chain of fused multiply-adds from
     * 0 in order p, then added to C (or stored, for the first block of a fresh C), as {@link #product} sums.
     */
    private static void row(float[] a, int aOff, int aCol, float[] b, int bOff, int bRow, float[] c, int cOff, int n, int k, boolean fresh) {
        int whole = n / L * L;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            boolean store = fresh && p0 == 0;
            for (int j = 0; j < whole; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int p = p0; p < p1; p++) {
                    acc = FloatVector.broadcast(S, a[aOff + p * aCol]).fma(FloatVector.fromArray(S, b, bOff + p * bRow + j), acc);
                }
                (store ? acc : FloatVector.fromArray(S, c, cOff + j).add(acc)).intoArray(c, cOff + j);
            }
            for (int j = whole; j < n; j++) {
                float acc = 0f;
                for (int p = p0; p < p1; p++) acc = Math.fma(a[aOff + p * aCol], b[bOff + p * bRow + j], acc);
                c[cOff + j] = store ? acc : c[cOff + j] + acc;
            }
        }
    }

    static void pack(float[] b, int bOff, int bRow, int bCol, int k, int n) {
        Scratch s = SCRATCH.get();
        s.ensure(k, n);
        for (int t = 0; t < strips(n); t++) fillStrip(b, bOff, bRow, bCol, k, n, t, s.panel);
        s.packed = new Gemm.Packed(b, bOff, bRow, bCol, k, n);
    }

    static void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                           float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        Scratch s = SCRATCH.get();
        Gemm.Packed.check(s.packed, b, bOff, bRow, bCol, k, n);
        if (Gemm.empty(c, cOff, cRow, m, n, k, accumulate)) return;
        product(s, a, aOff, aRow, aCol, null, 0, 0, c, cOff, cRow, m, n, k, accumulate == 0);
    }

    /** Strip t of B (rows p below kc, columns [t·W, t·W + W) below n) into the panel, at (t·kc + p)·W, zero-padded. */
    private static void fillStrip(float[] b, int at, int bRow, int bCol, int kc, int n, int t, float[] panel) {
        int j0 = t * W, w = Math.min(W, n - j0);
        int base = t * kc * W;
        for (int p = 0; p < kc; p++) {
            int from = at + p * bRow + j0 * bCol, to = base + p * W;
            if (bCol == 1) {
                System.arraycopy(b, from, panel, to, w);
            } else {
                for (int j = 0; j < w; j++) panel[to + j] = b[from + j * bCol];
            }
            if (w < W) Arrays.fill(panel, to + w, to + W, 0f);
        }
    }

    /**
     * A's rows [i0, i1) over kc inner rows into {@code rows} in groups of eight rows, interleaved: row
     * i0 + 8g + r at inner row p goes to (g·kc + p)·8 + r. A last group of fewer rows repeats its last row.
     */
    private static void packRows(float[] a, int aOff, int aRow, int aCol, int i0, int i1, int kc, float[] rows) {
        for (int i = i0; i < i1; i += 8) {
            int to = (i - i0) * kc, last = i1 - 1;
            int r0 = aOff + i * aRow, r1 = aOff + Math.min(i + 1, last) * aRow, r2 = aOff + Math.min(i + 2, last) * aRow;
            int r3 = aOff + Math.min(i + 3, last) * aRow, r4 = aOff + Math.min(i + 4, last) * aRow;
            int r5 = aOff + Math.min(i + 5, last) * aRow, r6 = aOff + Math.min(i + 6, last) * aRow, r7 = aOff + Math.min(i + 7, last) * aRow;
            for (int p = 0, q = 0; p < kc; p++, q += aCol, to += 8) {
                rows[to] = a[r0 + q];
                rows[to + 1] = a[r1 + q];
                rows[to + 2] = a[r2 + q];
                rows[to + 3] = a[r3 + q];
                rows[to + 4] = a[r4 + q];
                rows[to + 5] = a[r5 + q];
                rows[to + 6] = a[r6 + q];
                rows[to + 7] = a[r7 + q];
            }
        }
    }

    /**
     * C (+)= A · B over kc inner rows: {@link #MC} rows of A at a time (which stay in cache while every
     * strip of B passes), packed by {@link #packRows} unless they are read in place, strip by strip, eight
     * rows of C at a time (one vector wide in a last narrow strip), each tile written to the scratch tile
     * and only the rows that exist stored into C. A strip comes from the panel, or with {@code direct}
     * non-null and the strip whole, from B itself ({@code at}: B's first row, {@code bRow} apart): the same
     * sums either way.
     */
    private static void product(Scratch s, float[] a, int aOff, int aRow, int aCol, float[] direct, int at, int bRow,
                                float[] c, int cOff, int cRow, int m, int n, int kc, boolean fresh) {
        float[] panel = s.panel, tile = s.tile;
        int strips = strips(n), rows;
        // A narrow product reads A's rows in place where they are contiguous: packing them would cost about as
        // much as the products.
        boolean inPlaceA = aCol == 1 && strips < PACK_STRIPS;
        if (!inPlaceA && s.rowsOfA.length < MC * kc) s.rowsOfA = new float[MC * kc];
        float[] packed = s.rowsOfA;
        for (int i0 = 0; i0 < m; i0 += MC) {
            int i1 = Math.min(m, i0 + MC);
            if (!inPlaceA) packRows(a, aOff, aRow, aCol, i0, i1, kc, packed);
            for (int t = 0; t < strips; t++) {
                int j0 = t * W, w = Math.min(W, n - j0);
                boolean inPlace = direct != null && w == W;
                float[] src = inPlace ? direct : panel;
                int base = inPlace ? at + j0 : t * kc * W, bStride = inPlace ? bRow : W;
                for (int i = i0; i < i1; i += rows) {
                    rows = Math.min(8, i1 - i);
                    int ai = (i - i0) * kc, ci = cOff + i * cRow + j0;
                    if (w <= L) {
                        // A last strip one vector wide: eight rows at a time, for eight independent sums again.
                        if (inPlaceA) eightInPlace(a, aOff + i * aRow, aRow, rows, panel, base, kc, tile);
                        else eight(packed, ai, panel, base, kc, tile);
                        for (int r = 0; r < rows; r++) store(tile, r * L, c, ci + r * cRow, w, fresh);
                        continue;
                    }
                    if (inPlaceA) eightByTwoInPlace(a, aOff + i * aRow, aRow, rows, src, base, bStride, kc, tile);
                    else eightByTwo(packed, ai, src, base, bStride, kc, tile);
                    for (int r = 0; r < rows; r++) store(tile, r * W, c, ci + r * cRow, w, fresh);
                }
            }
        }
    }

    /** C's row segment = (fresh ? 0 : C) + the tile row's first w sums. */
    private static void store(float[] tile, int from, float[] c, int at, int w, boolean fresh) {
        if (fresh) {
            System.arraycopy(tile, from, c, at, w);
        } else if (w == W) {
            FloatVector.fromArray(S, c, at).add(FloatVector.fromArray(S, tile, from)).intoArray(c, at);
            FloatVector.fromArray(S, c, at + L).add(FloatVector.fromArray(S, tile, from + L)).intoArray(c, at + L);
        } else {
            for (int j = 0; j < w; j++) c[at + j] += tile[from + j];
        }
    }

    /**
     * An 8 × W tile of sums over kc inner rows, from the packed group of eight rows at {@code ai} and B's
     * strip rows at {@code base + p·stride} of {@code b}, written row by row into {@code tile} for
     * {@link #store}; a last group of fewer rows is packed with its last row repeated. No kernel stores into
     * C from registers: with that epilogue (32 more vector operations) HotSpot now and then compiled the
     * kernel without intrinsifying all of its vector operations, which then allocated on every step: model 5
     * trained at a tenth of its speed, allocating 2.9 GB an epoch, in 5 of 40 runs, and in none of 45 without it.
     */
    private static void eightByTwo(float[] a, int ai, float[] b, int base, int stride, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = base + p * stride, ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0 * W);
        c01.intoArray(tile, 0 * W + L);
        c10.intoArray(tile, 1 * W);
        c11.intoArray(tile, 1 * W + L);
        c20.intoArray(tile, 2 * W);
        c21.intoArray(tile, 2 * W + L);
        c30.intoArray(tile, 3 * W);
        c31.intoArray(tile, 3 * W + L);
        c40.intoArray(tile, 4 * W);
        c41.intoArray(tile, 4 * W + L);
        c50.intoArray(tile, 5 * W);
        c51.intoArray(tile, 5 * W + L);
        c60.intoArray(tile, 6 * W);
        c61.intoArray(tile, 6 * W + L);
        c70.intoArray(tile, 7 * W);
        c71.intoArray(tile, 7 * W + L);
    }

    /**
     * An 8 × 1-vector tile of sums over kc inner rows, for a strip whose columns fit one vector: the packed
     * group of eight rows at {@code ai}, and the first vector of
     * each strip row at {@code base + p·W} of the panel, written row by row into {@code tile}, L apart.
     */
    private static void eight(float[] a, int ai, float[] panel, int base, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * 8;
            FloatVector b = FloatVector.fromArray(S, panel, base + p * W);
            c0 = FloatVector.broadcast(S, a[ap + 0]).fma(b, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b, c3);
            c4 = FloatVector.broadcast(S, a[ap + 4]).fma(b, c4);
            c5 = FloatVector.broadcast(S, a[ap + 5]).fma(b, c5);
            c6 = FloatVector.broadcast(S, a[ap + 6]).fma(b, c6);
            c7 = FloatVector.broadcast(S, a[ap + 7]).fma(b, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /**
     * {@link #eightByTwo} for A's rows read in place, {@code aRow} apart from {@code ai} ({@code rows} of
     * them, one to eight, the last repeated): for narrow products, where packing A would cost about as
     * much as the products. A second copy of the kernel, because HotSpot drops the bounds checks of A's
     * loads only when their index has a constant stride, and the two layouts need different ones.
     */
    private static void eightByTwoInPlace(float[] a, int ai, int aRow, int rows, float[] b, int base, int stride, int kc, float[] tile) {
        int a0 = ai, a1 = ai + Math.min(1, rows - 1) * aRow, a2 = ai + Math.min(2, rows - 1) * aRow, a3 = ai + Math.min(3, rows - 1) * aRow;
        int a4 = ai + Math.min(4, rows - 1) * aRow, a5 = ai + Math.min(5, rows - 1) * aRow, a6 = ai + Math.min(6, rows - 1) * aRow;
        int a7 = ai + Math.min(7, rows - 1) * aRow;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = base + p * stride;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0 * W);
        c01.intoArray(tile, 0 * W + L);
        c10.intoArray(tile, 1 * W);
        c11.intoArray(tile, 1 * W + L);
        c20.intoArray(tile, 2 * W);
        c21.intoArray(tile, 2 * W + L);
        c30.intoArray(tile, 3 * W);
        c31.intoArray(tile, 3 * W + L);
        c40.intoArray(tile, 4 * W);
        c41.intoArray(tile, 4 * W + L);
        c50.intoArray(tile, 5 * W);
        c51.intoArray(tile, 5 * W + L);
        c60.intoArray(tile, 6 * W);
        c61.intoArray(tile, 6 * W + L);
        c70.intoArray(tile, 7 * W);
        c71.intoArray(tile, 7 * W + L);
    }

    /** {@link #eight} for A's rows read in place, as {@link #eightByTwoInPlace} reads them. */
    private static void eightInPlace(float[] a, int ai, int aRow, int rows, float[] panel, int base, int kc, float[] tile) {
        int a0 = ai, a1 = ai + Math.min(1, rows - 1) * aRow, a2 = ai + Math.min(2, rows - 1) * aRow, a3 = ai + Math.min(3, rows - 1) * aRow;
        int a4 = ai + Math.min(4, rows - 1) * aRow, a5 = ai + Math.min(5, rows - 1) * aRow, a6 = ai + Math.min(6, rows - 1) * aRow;
        int a7 = ai + Math.min(7, rows - 1) * aRow;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector b = FloatVector.fromArray(S, panel, base + p * W);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(b, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(b, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(b, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(b, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(b, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(b, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(b, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }
}

package seq.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {
    /** Both implementations, through the same three calls. */
    interface Impl {
        void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                  float[] c, int cOff, int cRow, int m, int n, int k, int accumulate);

        void pack(float[] b, int bOff, int bRow, int bCol, int k, int n);

        void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                        float[] c, int cOff, int cRow, int m, int n, int k, int accumulate);
    }

    static final Impl PANEL = new Impl() {
        public void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                         float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
            PanelGemm.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        }

        public void pack(float[] b, int bOff, int bRow, int bCol, int k, int n) { PanelGemm.pack(b, bOff, bRow, bCol, k, n); }

        public void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                               float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
            PanelGemm.gemmPacked(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        }
    };

    static final Impl VECTOR = new Impl() {
        public void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                         float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
            VectorGemm.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        }

        public void pack(float[] b, int bOff, int bRow, int bCol, int k, int n) { VectorGemm.pack(b, bOff, bRow, bCol, k, n); }

        public void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                               float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
            VectorGemm.gemmPacked(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        }
    };

    static java.util.stream.Stream<Impl> impls() {
        return java.util.stream.Stream.of(PANEL, VECTOR);
    }

    /** The build runs tests with the Vector API module, as trainer jars run: the dispatch must pick it. */
    @Test
    void testsRunOnTheVectorApi() {
        assertTrue(Gemm.VECTOR, "tests run with --add-modules jdk.incubator.vector (surefire's argLine)");
    }

    /** Training waits for the Vector API's warm-up before its first step: afterwards the warm-up thread is gone. */
    @Test
    void awaitingTheWarmUpEndsIt() {
        Gemm.startWarmUp();
        Gemm.awaitWarmUp();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("seq-vector-warm-up") && t.isAlive()));
    }

    /**
     * The warm-up ends when a round of its calls allocates (almost) nothing, which needs every kernel it calls to
     * keep its vectors out of the heap once compiled: a kernel that allocates on every call would make training
     * wait out the warm-up's whole time limit. Rerun here with a minute's limit, after the background one.
     */
    @Test
    void theWarmUpEndsWithARoundThatAllocatesNothing() {
        Gemm.awaitWarmUp();
        assertTrue(Gemm.warmUp(60_000_000_000L), "a round of the warm-up's calls allocated " + Gemm.WARM_UP_CLEAN
            + " bytes or more for a minute");
    }

    /** [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]], by hand; then += the same again. */
    @ParameterizedTest
    @MethodSource("impls")
    void twoByTwoByHand(Impl g) {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        g.gemm(a, 0, 2, 1, b, 0, 2, 1, c, 0, 2, 2, 2, 2, 0);
        assertEquals(java.util.List.of(19f, 22f, 43f, 50f), java.util.List.of(c[0], c[1], c[2], c[3]));
        g.gemm(a, 0, 2, 1, b, 0, 2, 1, c, 0, 2, 2, 2, 2, 1);
        assertEquals(java.util.List.of(38f, 44f, 86f, 100f), java.util.List.of(c[0], c[1], c[2], c[3]));
    }

    /**
     * Strided, transposed and reversed views, row counts that are not multiples of four, more columns
     * and inner rows than one packed panel: each against the product summed in float64.
     */
    @ParameterizedTest
    @MethodSource("impls")
    void stridedViewsAgainstFloat64(Impl g) {
        Random rng = new Random(7);
        // Last strips of every width up to two vectors of 16 or of 8 lanes (n = 52, 60, 28, 44), one to eight rows
        // in a last group, A read in place and packed (wide n, or transposed), B in place and packed.
        int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {4, 4, 4}, {7, 33, 9}, {9, PanelGemm.NC + 37, VectorGemm.KC + 5}, {64, 48, 12}, {5, 3, 300},
            {VectorGemm.DIRECT_ROWS + 2, 40, 20}, {13, 52, 20}, {11, 60, 33}, {10, 28, 7}, {70, 44, 9}, {19, 300, 17}};
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0, transB = (variant & 2) != 0;
                float[] a = random(rng, m * k + 11), b = random(rng, k * n + 5), c = random(rng, (m + 1) * (n + 3));
                // A at offset 11 (row-major or transposed); B at offset 5, transposed, or read with its rows reversed.
                int aOff = 11, aRow = transA ? 1 : k, aCol = transA ? m : 1;
                int bOff = transB ? 5 : 5 + (k - 1) * n, bRow = transB ? 1 : -n, bCol = transB ? k : 1;
                int cOff = 2, cRow = n + 3;
                for (int run = 0; run < 4; run++) {
                    int accumulate = run & 1;
                    boolean packed = run >= 2;
                    float[] got = c.clone();
                    if (packed) {
                        g.pack(b, bOff, bRow, bCol, k, n);
                        g.gemmPacked(a, aOff, aRow, aCol, b, bOff, bRow, bCol, got, cOff, cRow, m, n, k, accumulate);
                    } else {
                        g.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, got, cOff, cRow, m, n, k, accumulate);
                    }
                    for (int x = 0; x < got.length; x++) {
                        int i = (x - cOff) / cRow, j = (x - cOff) % cRow;
                        if (x < cOff || i >= m || j >= n) {
                            assertEquals(c[x], got[x], "outside C at " + x);
                            continue;
                        }
                        double want = accumulate == 1 ? c[x] : 0;
                        double scale = Math.abs(want);
                        for (int p = 0; p < k; p++) {
                            double term = (double) a[aOff + i * aRow + p * aCol] * b[bOff + p * bRow + j * bCol];
                            want += term;
                            scale += Math.abs(term);
                        }
                        assertEquals(want, got[x], 1e-6 * scale + 1e-7,
                            "C[" + i + ", " + j + "] of " + m + "×" + n + "×" + k + " variant " + variant + " accumulate " + accumulate + (packed ? " packed" : ""));
                    }
                }
            }
        }
    }

    /**
     * One inner row (an outer product) and one row of C (over more than one block of inner rows) take their own
     * loops: the same bits as the tiles give, which a B stored with a column stride of 2 still takes; zeros of
     * both signs included, since a product of −0 comes out +0 from a tile.
     */
    @Test
    void outerProductsAndSingleRowsMatchTheTilesBitForBit() {
        Random rng = new Random(5);
        int[][] shapes = {{37, 52, 1}, {9, 16, 1}, {1, 52, VectorGemm.KC * 2 + 9}, {1, 7, 3}, {1, 1, 1}};
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            float[] a = random(rng, m * k), b = random(rng, k * n), spread = new float[2 * k * n];
            a[0] = -0f;
            b[b.length - 1] = 0f;
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) spread[p * 2 * n + 2 * j] = b[p * n + j];
            float[] c = random(rng, m * n);
            for (int accumulate = 0; accumulate < 2; accumulate++) {
                float[] own = c.clone(), tiled = c.clone();
                VectorGemm.gemm(a, 0, k, 1, b, 0, n, 1, own, 0, n, m, n, k, accumulate);
                VectorGemm.gemm(a, 0, k, 1, spread, 0, 2 * n, 2, tiled, 0, n, m, n, k, accumulate);
                for (int x = 0; x < own.length; x++) {
                    assertEquals(Float.floatToRawIntBits(tiled[x]), Float.floatToRawIntBits(own[x]),
                        m + "×" + n + "×" + k + " accumulate " + accumulate + " at " + x + ": " + tiled[x] + " against " + own[x]);
                }
            }
        }
    }

    /**
     * The same rows computed as one call, or split in row ranges as threads split them: equal bit for bit
     * (the whole call packs B, the small ones read it in place).
     */
    @ParameterizedTest
    @MethodSource("impls")
    void rowSplitsGiveIdenticalBits(Impl g) {
        Random rng = new Random(3);
        int m = VectorGemm.DIRECT_ROWS + 3, n = 70, k = 140;
        float[] a = random(rng, m * k), b = random(rng, k * n), whole = new float[m * n], split = new float[m * n];
        g.gemm(a, 0, k, 1, b, 0, n, 1, whole, 0, n, m, n, k, 0);
        for (int lo = 0; lo < m; lo += 5) {
            int rows = Math.min(5, m - lo);
            g.gemm(a, lo * k, k, 1, b, 0, n, 1, split, lo * n, n, rows, n, k, 0);
        }
        for (int x = 0; x < whole.length; x++) assertEquals(Float.floatToIntBits(whole[x]), Float.floatToIntBits(split[x]), "element " + x);
    }

    /**
     * The same product as one call and split in column blocks as threads split them, for a row-major and a
     * transposed A: equal bit for bit although the whole call packs A (it is wide) and the blocks, narrow,
     * read it in place.
     */
    @ParameterizedTest
    @MethodSource("impls")
    void columnSplitsGiveIdenticalBits(Impl g) {
        Random rng = new Random(5);
        int m = 21, n = 300, k = 37;
        float[] a = random(rng, m * k), b = random(rng, k * n);
        for (boolean transposed : new boolean[] {false, true}) {
            int aRow = transposed ? 1 : k, aCol = transposed ? m : 1;
            float[] whole = random(rng, m * n), split = whole.clone();
            g.gemm(a, 0, aRow, aCol, b, 0, n, 1, whole, 0, n, m, n, k, 1);
            for (int lo = 0; lo < n; lo += 70) {
                int cols = Math.min(70, n - lo);
                g.gemm(a, 0, aRow, aCol, b, lo, n, 1, split, lo, n, m, cols, k, 1);
            }
            for (int x = 0; x < whole.length; x++) {
                assertEquals(Float.floatToIntBits(whole[x]), Float.floatToIntBits(split[x]), "element " + x + (transposed ? " of Aᵀ" : ""));
            }
        }
    }

    /** A packed product must name the matrix that was packed; a gemm in between makes the pack stale. */
    @ParameterizedTest
    @MethodSource("impls")
    void packedProductChecksItsMatrix(Impl g) {
        float[] a = {1, 2}, b = {3, 4}, other = {3, 4}, c = new float[1];
        g.pack(b, 0, 1, 1, 2, 1);
        g.gemmPacked(a, 0, 2, 1, b, 0, 1, 1, c, 0, 1, 1, 1, 2, 0);
        assertEquals(11f, c[0]);
        assertThrows(IllegalStateException.class, () -> g.gemmPacked(a, 0, 2, 1, other, 0, 1, 1, c, 0, 1, 1, 1, 2, 0));
        g.gemm(a, 0, 2, 1, b, 0, 1, 1, c, 0, 1, 1, 1, 2, 0);
        assertThrows(IllegalStateException.class, () -> g.gemmPacked(a, 0, 2, 1, b, 0, 1, 1, c, 0, 1, 1, 1, 2, 0));
    }

    private static float[] random(Random rng, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) rng.nextGaussian();
        return out;
    }
}

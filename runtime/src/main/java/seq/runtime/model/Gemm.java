package seq.runtime.model;

/**
 * The matrix product that generated float32 model classes call for every product the compiler writes
 * as a {@code gemm} (dense layers, the recurrences' input products and per-step recurrent products,
 * weight gradients): {@code C[i, j] (+)= sum_p A[i, p] · B[p, j]} over strided views of flat arrays.
 *
 * <p>It runs {@link VectorGemm} (register-tiled, Java's Vector API) when the JVM was started with the
 * {@code jdk.incubator.vector} module, as trainer jars start themselves, and {@link PanelGemm} (loops
 * that HotSpot vectorises on its own) otherwise, or with {@code -Dseq.vector=false}. Either way each C
 * element is summed in an order fixed by k alone, so the result does not depend on how callers split
 * rows or columns across threads. A recurrence multiplies by the same weights at every step: it calls
 * {@link #pack} once and then {@link #gemmPacked} per step. Scratch space belongs to the calling thread
 * and is reused: once the thread has seen its largest shapes, a product allocates nothing and a pack one
 * small record.
 */
public final class Gemm {
    /** Whether products run on the Vector API. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && !"false".equals(System.getProperty("seq.vector"));

    /** Calls of each Vector API kernel per round of the warm-up. */
    static final int WARM_UP_ROUND = 100;
    /** A round of the warm-up that allocates less than this ran compiled kernels: one uncompiled kernel allocates more. */
    static final long WARM_UP_CLEAN = 64 << 10;
    /** The longest the warm-up runs (training waits for it): HotSpot may never compile (-Xint, a C1-only JVM). */
    static final long WARM_UP_LIMIT_NANOS = 5_000_000_000L;

    /** The background warm-up of the Vector API kernels, started when this class loads; null without the Vector API. */
    private static final Thread WARM_UP;

    static {
        if (VECTOR) {
            WARM_UP = new Thread(() -> warmUp(WARM_UP_LIMIT_NANOS), "seq-vector-warm-up");
            WARM_UP.setDaemon(true);
            WARM_UP.setPriority(Thread.MIN_PRIORITY);
            WARM_UP.start();
        } else {
            WARM_UP = null;
        }
    }

    /**
     * Starts the warm-up (by loading this class) if it has not started: a trainer calls it as it starts, so that
     * the warm-up overlaps reading the data and setting up the device.
     */
    public static void startWarmUp() {
        // Loading the class started it.
    }

    /**
     * Waits for the warm-up to finish (about 1.7 s from start-up here). Training calls it before its first
     * step: a step run meanwhile ran the kernels uncompiled, allocating an object per vector operation, and
     * HotSpot then compiled some of them from that run's profile, which still allocated for epochs. The
     * large benchmark model took 4.6 s for its first epoch and allocated 3–5 MB in the next two without
     * waiting; 1.9–2.1 s and 24 KB after the wait.
     */
    public static void awaitWarmUp() {
        if (WARM_UP == null) return;
        boolean interrupted = false;
        while (WARM_UP.isAlive()) {
            try {
                WARM_UP.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private Gemm() {}

    /**
     * Runs the Vector API kernels on small dummy rows until HotSpot has compiled them. Until it has, every
     * vector operation is an allocated object and a hundred times slower than plain loops; a product that a
     * model calls rarely (a small Dense layer, when the device takes the rest) would never get that far on
     * its own. In the background, once per JVM, in rounds of {@link #WARM_UP_ROUND} calls of each kernel,
     * until a round allocates less than {@link #WARM_UP_CLEAN} bytes (compiled kernels keep their vectors in
     * registers; the rest is the fresh scratch and packs) or {@code limitNanos} have passed: true in the first
     * case (on a JVM without a per-thread allocation counter, false after ten rounds). A fixed thousand calls of
     * each left {@code eight} and others as C1 code, boxing their vectors (60 MB a round still), and the large
     * benchmark model on {@code opencl}, whose host calls them twice a step, allocated 1.6–7.6 MB a step in
     * its second and third epochs; it now allocates 50 KB a step from its second.
     */
    static boolean warmUp(long limitNanos) {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        long began = System.nanoTime();
        // Every path: B read in place and packed, transposed, a partial last strip, a last group of few rows,
        // A read in place and packed (a transposed A is always packed).
        float[] a = new float[66 * 64], b = new float[64 * 48], c = new float[66 * 48];
        for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.1f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.1f;
        for (int round = 0; ; round++) {
            long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
            // A fresh scratch each round, so that growing it is in HotSpot's profile: compiled without that branch,
            // a product met its first call on a training thread (whose scratch starts empty) by falling back to
            // the interpreter, where it stayed for seconds when the model called it rarely.
            VectorGemm.dropScratch();
            VectorRows.dropScratch();
            for (int r = 0; r < WARM_UP_ROUND; r++) warmUpCalls(a, b, c, r);
            if (threads == null) {
                if (round == 9) return false;
            } else if (threads.getCurrentThreadAllocatedBytes() - before < WARM_UP_CLEAN) {
                return true;
            }
            if (System.nanoTime() - began > limitNanos) return false;
        }
    }

    /** The calling thread's allocation counter, or null where the JVM has none. */
    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t;
        }
        return null;
    }

    private static void warmUpCalls(float[] a, float[] b, float[] c, int r) {
        int accumulate = r & 1;
        VectorGemm.gemm(a, 0, 64, 1, b, 0, 48, 1, c, 0, 48, 16, 48, 64, accumulate);
        VectorGemm.gemm(a, 0, 1, 12, b, 0, 48, 1, c, 0, 48, 12, 48, 64, accumulate);
        VectorGemm.gemm(a, 0, 1, 1, b, 0, 48, 1, c, 0, 48, 40, 48, 1, accumulate);
        VectorGemm.gemm(a, 0, 1, 1, b, 0, 48, 1, c, 0, 48, 1, 40, 64, accumulate);
        // Many rows of C: B packed whether it is transposed or not.
        if (r % 8 == 0) VectorGemm.gemm(a, 0, 64, 1, b, 0, 1, 64, c, 0, 48, 66, 48, 64, accumulate);
        if (r % 8 == 4) VectorGemm.gemm(a, 0, 64, 1, b, 0, 48, 1, c, 0, 48, 66, 48, 64, accumulate);
        VectorGemm.pack(b, 0, 48, 1, 64, 48);
        VectorGemm.gemmPacked(a, 0, 64, 1, b, 0, 48, 1, c, 0, 48, 13, 48, 64, accumulate);
        VectorRows.sigmoid(c, 0, 48, 3, 50);
        VectorRows.tanh(c, 0, 40, 2, 48);
        VectorRows.tanh(c, 0, 12, 4, 40);
        // Column sums in blocks of four vectors (66 columns) and one vector at a time (50), each with a scalar tail.
        VectorRows.columnSum(a, 16, 66, 0, 66, c, 0);
        VectorRows.columnSum(a, 16, 50, 0, 50, c, 0);
        VectorRows.columnMax(a, 0, 16, 66, c, b, 0);
    }

    /**
     * {@code C[i, j] = sum_p A[i, p] · B[p, j]} (or {@code +=} with {@code accumulate} ≠ 0) for i below m,
     * j below n, p below k, where {@code A[i, p] = a[aOff + i·aRow + p·aCol]},
     * {@code B[p, j] = b[bOff + p·bRow + j·bCol]} and {@code C[i, j] = c[cOff + i·cRow + j]}. Strides may
     * be negative (a sequence read backwards). C must not overlap A or B.
     */
    public static void gemm(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                            float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        if (VECTOR) VectorGemm.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        else PanelGemm.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
    }

    /**
     * Packs {@code B[p, j] = b[bOff + p·bRow + j·bCol]} (p below k, j below n) for the calls of
     * {@link #gemmPacked} that follow on this thread.
     */
    public static void pack(float[] b, int bOff, int bRow, int bCol, int k, int n) {
        if (VECTOR) VectorGemm.pack(b, bOff, bRow, bCol, k, n);
        else PanelGemm.pack(b, bOff, bRow, bCol, k, n);
    }

    /** Which view of which array a thread's panel holds: a packed product must name the same B. */
    record Packed(float[] b, int off, int row, int col, int k, int n) {
        static void check(Packed p, float[] b, int off, int row, int col, int k, int n) {
            if (p == null || p.b != b || p.off != off || p.row != row || p.col != col || p.k != k || p.n != n) {
                throw new IllegalStateException("gemmPacked without a pack of the same matrix on this thread");
            }
        }
    }

    /** The products with nothing to sum (no rows, no columns, or no inner rows, C then zeroed or kept): true when done. */
    static boolean empty(float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        if (m <= 0 || n <= 0) return true;
        if (k > 0) return false;
        if (accumulate == 0) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * cRow, cOff + i * cRow + n, 0f);
        return true;
    }

    /**
     * {@link #gemm} with the B that the last {@link #pack} on this thread packed, whose view the B
     * arguments must name: they are checked, not read. A {@link #gemm} in between makes the pack stale.
     */
    public static void gemmPacked(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                                  float[] c, int cOff, int cRow, int m, int n, int k, int accumulate) {
        if (VECTOR) VectorGemm.gemmPacked(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
        else PanelGemm.gemmPacked(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, cRow, m, n, k, accumulate);
    }
}

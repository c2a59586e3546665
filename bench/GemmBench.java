import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.Random;

/**
 * One core's GFLOP/s of {@code seq.runtime.model.Gemm} on the shapes the benchmark models use (rows ×
 * columns × inner size), loaded from the runtime classes in a directory. Run by {@code bench/gemm}.
 *
 * <p>{@code GemmBench DIR} times one build; {@code GemmBench DIR_A DIR_B} times two builds in one JVM,
 * each in its own class loader, alternating shape by shape and round by round, and prints each shape's
 * mean rate for both and their ratio. This machine's speed moves by up to 2× between runs, so only a
 * comparison within one run says whether a change to the product helped.
 */
public class GemmBench {
    private static final int PLAIN = 0, PACKED = 1, A_TRANSPOSED = 2, B_TRANSPOSED = 3;

    // m, n, k, and how A and B are laid out: PACKED where the models pack B once and multiply by it at every step.
    private static final int[][] SHAPES = {
        {16, 48, 12, PACKED},          // model 1's recurrent step product, one thread's 16 samples
        {640, 48, 12, PLAIN},          // model 1's input product of its second LSTM, one thread's 16 samples × 40 steps
        {12, 48, 39, A_TRANSPOSED},    // its recurrent kernel's gradient, one sample
        {12, 48, 640, A_TRANSPOSED},   // its input kernel's gradient
        {16, 256, 64, PACKED},         // model 4's recurrent step product
        {32, 1024, 256, PACKED},       // the large model's recurrent step product, one thread's samples
        {32, 256, 1024, PACKED},       // its backward step product, dz · Uᵀ
        {3200, 1024, 256, PLAIN},      // an input product over every step
        {3200, 256, 1024, B_TRANSPOSED}, // its input gradient, dz · Wᵀ
        {256, 512, 99, A_TRANSPOSED},  // the recurrent kernel's gradient, one sample, one thread's columns
        {256, 512, 6400, A_TRANSPOSED}, // the input kernel's gradient over the batch, xᵀ · dz
        {64, 128, 2048, A_TRANSPOSED}, // model 4's kernel gradients (and recurrent kernel's), one thread's columns
        {1024, 64, 256, B_TRANSPOSED}, // model 4's input gradient of its second LSTM, one thread's rows
        {32, 128, 2048, PLAIN},        // a product with few rows (B read in place)
        {119, 100, 90, PLAIN},         // model 5's Conv1D, one sample: 119 steps × 100 filters over 10 taps × 9 channels
        {45, 100, 119, A_TRANSPOSED},  // its kernel's gradient, one sample, half the kernel rows (one thread's)
        {16, 48, 12, PLAIN},           // a small product with B read in place
        {1, 48, 1280, A_TRANSPOSED},   // model 1 input kernel gradient, one feature: xᵀ · dz over the batch
    };
    private static final String[] LAYOUT = {"", " (packed once)", " (Aᵀ)", " (Bᵀ)"};

    /** Gemm's three entry points from one build's classes. */
    private record Build(MethodHandle gemm, MethodHandle pack, MethodHandle packed) {
        static Build load(String dir) throws ReflectiveOperationException, java.net.MalformedURLException {
            ClassLoader loader = new URLClassLoader(new URL[]{Paths.get(dir).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> g = Class.forName("seq.runtime.model.Gemm", true, loader);
            MethodType product = MethodType.methodType(void.class, float[].class, int.class, int.class, int.class,
                float[].class, int.class, int.class, int.class, float[].class, int.class, int.class, int.class, int.class, int.class, int.class);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new Build(lookup.findStatic(g, "gemm", product), lookup.findStatic(g, "pack",
                MethodType.methodType(void.class, float[].class, int.class, int.class, int.class, int.class, int.class)),
                lookup.findStatic(g, "gemmPacked", product));
        }

        /** GFLOP/s of reps products of the shape. */
        double rate(int[] s, float[] a, float[] b, float[] c, int reps) throws Throwable {
            int m = s[0], n = s[1], k = s[2];
            long t = System.nanoTime();
            if (s[3] == PACKED) pack.invokeExact(b, 0, n, 1, k, n);
            for (int i = 0; i < reps; i++) {
                switch (s[3]) {
                    case PACKED -> packed.invokeExact(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1);
                    case A_TRANSPOSED -> gemm.invokeExact(a, 0, 1, m, b, 0, n, 1, c, 0, n, m, n, k, 1);
                    case B_TRANSPOSED -> gemm.invokeExact(a, 0, k, 1, b, 0, 1, k, c, 0, n, m, n, k, 1);
                    default -> gemm.invokeExact(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1);
                }
            }
            return reps * 2.0 * m * n * k / ((System.nanoTime() - t) / 1e9) / 1e9;
        }
    }

    public static void main(String[] args) throws Throwable {
        Build[] builds = new Build[args.length];
        for (int v = 0; v < args.length; v++) builds[v] = Build.load(args[v]);
        int warm = 3, rounds = builds.length == 1 ? 6 : 15;
        double[][] sum = new double[SHAPES.length][builds.length];
        Random rng = new Random(1);
        for (int round = 0; round < rounds; round++) {
            for (int si = 0; si < SHAPES.length; si++) {
                int[] s = SHAPES[si];
                int m = s[0], n = s[1], k = s[2];
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = rng.nextFloat();
                for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat();
                int reps = (int) Math.max(1, 4e8 / (2.0 * m * n * k));
                for (int x = 0; x < builds.length; x++) {
                    int v = (round + x) % builds.length;
                    double r = builds[v].rate(s, a, b, c, reps);
                    if (round >= warm) sum[si][v] += r;
                }
            }
        }
        System.out.println(("false".equals(System.getProperty("seq.vector")) ? "PanelGemm" : "VectorGemm") + ", GFLOP/s on one thread, mean of " + (rounds - warm) + " rounds" + (builds.length == 2 ? ": A = " + args[0] + ", B = " + args[1] : "") + ":");
        for (int si = 0; si < SHAPES.length; si++) {
            int[] s = SHAPES[si];
            String shape = String.format("  %d × %d × %d%s", s[0], s[1], s[2], LAYOUT[s[3]]);
            double a = sum[si][0] / (rounds - warm);
            if (builds.length == 1) System.out.printf("%s: %.1f%n", shape, a);
            else System.out.printf("%s: A %.1f, B %.1f (B/A %.2f×)%n", shape, a, sum[si][1] / (rounds - warm), sum[si][1] / sum[si][0]);
        }
    }
}

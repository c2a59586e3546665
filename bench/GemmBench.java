import seq.runtime.model.Gemm;

/**
 * One core's GFLOP/s of {@code seq.runtime.model.Gemm} on the shapes the benchmark models use (rows ×
 * columns × inner size). Run by {@code bench/gemm}, once with the Vector API module and once without.
 */
public class GemmBench {
    public static void main(String[] args) {
        // m, n, k, and 1 where the models pack B once and multiply by it at every step.
        int[][] shapes = {
            {16, 48, 12, 1},      // model 1's recurrent step product, one thread's 16 samples
            {16, 256, 64, 1},     // model 4's recurrent step product
            {32, 1024, 256, 1},   // the large model's recurrent step product, one thread's samples
            {32, 256, 1024, 1},   // its backward step product, dz · Uᵀ
            {3200, 1024, 256, 0}, // an input product over every step
            {256, 512, 100, 0},   // the recurrent kernel's gradient, one sample
            {32, 128, 2048, 0},   // a weight gradient with few rows (B read in place)
            {119, 100, 90, 0},    // model 5's Conv1D, one sample: 119 steps × 100 filters over 10 taps × 9 channels
            {45, 100, 119, 0},    // its kernel's gradient, one sample, half the kernel rows (one thread's)
        };
        System.out.println((Gemm.VECTOR ? "VectorGemm" : "PanelGemm") + ", GFLOP/s on one thread:");
        for (int rep = 0; rep < 3; rep++) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                java.util.Random r = new java.util.Random(1);
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
                for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
                int reps = (int) Math.max(1, 2e9 / (2.0 * m * n * k));
                long t = System.nanoTime();
                if (s[3] == 1) Gemm.pack(b, 0, n, 1, k, n);
                for (int i = 0; i < reps; i++) {
                    if (s[3] == 1) Gemm.gemmPacked(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1);
                    else Gemm.gemm(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1);
                }
                double seconds = (System.nanoTime() - t) / 1e9;
                if (rep == 2) System.out.printf("  %d × %d × %d%s: %.1f%n", m, n, k, s[3] == 1 ? " (packed once)" : "", reps * 2.0 * m * n * k / seconds / 1e9);
            }
        }
    }
}

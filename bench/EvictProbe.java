import java.util.Random;
import seq.runtime.model.Gemm;

/**
 * How much the large model's recurrent step product (32 rows × 1,024 columns × 256, one thread's samples,
 * B packed once: a 1 MB panel) slows when something else evicts part of the cache between two steps, as a
 * process sharing the core's L2 would: before each timed product it writes one float in every cache line of
 * an array of 0, 512 KB, 1, 2 or 8 MB, and prints one thread's GFLOP/s for each (mean of 10 rounds after 2).
 *
 * usage: java --add-modules jdk.incubator.vector -cp runtime/target/classes:DIR EvictProbe
 */
public final class EvictProbe {
    public static void main(String[] args) {
        int m = 32, n = 1024, k = 256, steps = 400, rounds = 12, warm = 2;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        Random random = new Random(1);
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat();
        int[] evictKb = {0, 512, 1024, 2048, 8192};
        float[][] junk = new float[evictKb.length][];
        for (int e = 0; e < evictKb.length; e++) junk[e] = new float[evictKb[e] * 256];
        Gemm.pack(b, 0, n, 1, k, n);
        double[] rate = new double[evictKb.length];
        for (int round = 0; round < rounds; round++) {
            for (int e = 0; e < evictKb.length; e++) {
                long total = 0;
                for (int s = 0; s < steps; s++) {
                    float[] j = junk[e];
                    for (int i = 0; i < j.length; i += 16) j[i] += 1f;
                    long t = System.nanoTime();
                    Gemm.gemmPacked(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 0);
                    total += System.nanoTime() - t;
                }
                if (round >= warm) rate[e] += 2.0 * m * n * k * steps / total / (rounds - warm);
            }
        }
        for (int e = 0; e < evictKb.length; e++) {
            System.out.printf(java.util.Locale.ROOT, "%5d KB written between steps: %.1f GFLOP/s%n", evictKb[e], rate[e]);
        }
    }
}

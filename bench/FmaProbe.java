import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Peak single-precision FMA throughput from Java, for machines without gcc: the widest vector
 * species, 16 independent accumulators, no memory traffic.
 *
 * usage: java --add-modules jdk.incubator.vector FmaProbe.java THREADS    prints: GFLOPS WIDTH_BITS
 */
public final class FmaProbe {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static volatile float sink;

    static void probe(long n) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 0), c1 = c0.add(1), c2 = c0.add(2), c3 = c0.add(3), c4 = c0.add(4), c5 = c0.add(5),
            c6 = c0.add(6), c7 = c0.add(7), c8 = c0.add(8), c9 = c0.add(9), c10 = c0.add(10), c11 = c0.add(11), c12 = c0.add(12),
            c13 = c0.add(13), c14 = c0.add(14), c15 = c0.add(15);
        for (long i = 0; i < n; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
            c12 = c12.fma(a, b); c13 = c13.fma(a, b); c14 = c14.fma(a, b); c15 = c15.fma(a, b);
        }
        sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).add(c12).add(c13)
            .add(c14).add(c15).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long n = 20_000_000L;
        for (int k = 0; k < 5; k++) probe(n / 10);
        List<Thread> all = new ArrayList<>();
        long began = System.nanoTime();
        for (int t = 0; t < threads; t++) all.add(start(() -> probe(n)));
        for (Thread t : all) t.join();
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf(Locale.ROOT, "%.1f %d%n", 2.0 * S.length() * 16 * n * threads / seconds / 1e9, S.vectorBitSize());
    }
}

package seq.runtime.device;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per op of the JVM executor's passes, for finding where training time goes: on with the system
 * property {@code seq.opTimes=W}, which leaves out each pass's first W runs (the JIT's warm-up), printed to
 * standard error at exit as one line per op: the model's class, the pass, the op's index (the order
 * {@code seqc build --dump-ir} lists them in), its total milliseconds and its share of that model's passes.
 * Each model (each compiled net) has its own table. Off, it costs a test of a constant per op.
 */
final class OpTimes {
    static final boolean ON = System.getProperty("seq.opTimes") != null;
    private static final int WARM = Integer.getInteger("seq.opTimes", 0);
    /** Per net: per pass, its ops' nanoseconds, and its runs so far. */
    private static final Map<Object, Map<String, long[]>> TIMES = new IdentityHashMap<>();
    private static final Map<Object, Map<String, Integer>> RUNS = new IdentityHashMap<>();

    private OpTimes() {}

    static {
        if (ON) Runtime.getRuntime().addShutdownHook(new Thread(OpTimes::print));
    }

    /** The nanoseconds per op of {@code net}'s pass {@code pass}, which has {@code ops} ops, to add this run to; null during warm-up. */
    static synchronized long[] of(Object net, String pass, int ops) {
        if (!TIMES.containsKey(net)) {
            TIMES.put(net, new LinkedHashMap<>());
            RUNS.put(net, new LinkedHashMap<>());
        }
        if (RUNS.get(net).merge(pass, 1, Integer::sum) <= WARM) return null;
        return TIMES.get(net).computeIfAbsent(pass, n -> new long[ops]);
    }

    private static synchronized void print() {
        for (Map.Entry<Object, Map<String, long[]>> net : TIMES.entrySet()) {
            String name = net.getKey().getClass().getSimpleName();
            long all = 0;
            for (long[] t : net.getValue().values()) for (long n : t) all += n;
            for (Map.Entry<String, long[]> e : net.getValue().entrySet()) {
                long[] t = e.getValue();
                for (int k = 0; k < t.length; k++) {
                    System.err.printf("op %s %s %d %.1f ms %.1f%%%n", name, e.getKey(), k, t[k] / 1e6, 100.0 * t[k] / Math.max(1, all));
                }
            }
        }
    }
}

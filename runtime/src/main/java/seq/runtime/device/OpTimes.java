package seq.runtime.device;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per op of the JVM executor's passes, for finding where training time goes: on with the system
 * property {@code seq.opTimes=W}, which leaves out each pass's first W runs (the JIT's warm-up), printed to
 * standard error at exit as one line per op: the pass, the op's index (the order {@code seqc build --dump-ir}
 * lists them in), its total milliseconds and its share of all. Off, it costs a test of a constant per op.
 */
final class OpTimes {
    static final boolean ON = System.getProperty("seq.opTimes") != null;
    private static final int WARM = Integer.getInteger("seq.opTimes", 0);
    private static final Map<String, long[]> TIMES = new LinkedHashMap<>();
    private static final Map<String, Integer> RUNS = new LinkedHashMap<>();

    private OpTimes() {}

    static {
        if (ON) Runtime.getRuntime().addShutdownHook(new Thread(OpTimes::print));
    }

    /** The nanoseconds per op of pass {@code name}, which has {@code ops} ops, to add this run to; null during warm-up. */
    static synchronized long[] of(String name, int ops) {
        if (RUNS.merge(name, 1, Integer::sum) <= WARM) return null;
        return TIMES.computeIfAbsent(name, n -> new long[ops]);
    }

    private static synchronized void print() {
        long all = 0;
        for (long[] t : TIMES.values()) for (long n : t) all += n;
        for (Map.Entry<String, long[]> e : TIMES.entrySet()) {
            long[] t = e.getValue();
            for (int k = 0; k < t.length; k++) {
                System.err.printf("op %s %d %.1f ms %.1f%%%n", e.getKey(), k, t[k] / 1e6, 100.0 * t[k] / Math.max(1, all));
            }
        }
    }
}

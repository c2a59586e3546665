package seq.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import seq.runtime.model.Net32;

/** The JVM executor's hand-off of ranges to its worker threads (the generated passes are tested in the compiler). */
class ThreadsTest {
    /**
     * A fake model: forward op k has {@code items[k]} iterations; each range marks its iterations in
     * {@code seen[k]} and records its thread; op {@code failing} throws from the range holding its last item.
     */
    private static final class Fake implements Net32 {
        final int[] items;
        final AtomicInteger[][] seen;
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        volatile int failing = -1;

        Fake(int... items) {
            this.items = items;
            seen = new AtomicInteger[items.length][];
            for (int k = 0; k < items.length; k++) {
                seen[k] = new AtomicInteger[items[k]];
                for (int i = 0; i < items[k]; i++) seen[k][i] = new AtomicInteger();
            }
        }

        @Override public int forwardOps() { return items.length; }
        @Override public int forwardItems(int[] dims, int k) { return items[k]; }
        @Override public void forwardRange(float[][] b, int[] dims, int k, int lo, int hi) {
            threads.add(Thread.currentThread());
            for (int i = lo; i < hi; i++) seen[k][i].incrementAndGet();
            // Uneven work, so that the ranges finish in every order.
            long until = System.nanoTime() + 20_000L * ((lo * 7 + k) % 5);
            while (System.nanoTime() < until) Thread.onSpinWait();
            if (k == failing && hi == items[k]) throw new IllegalArgumentException("range " + lo + ".." + hi);
        }
        @Override public void forwardOp(float[][] b, int[] dims, int k) { forwardRange(b, dims, k, 0, items[k]); }
        @Override public void sizes(int[] dims, int[] lengths) {}
        @Override public void shapes(int[] dims, int[] shape) {}
        @Override public void forward(float[][] b, int[] dims) { for (int k = 0; k < items.length; k++) forwardOp(b, dims, k); }
        @Override public int backwardOps() { return 0; }
        @Override public void backwardOp(float[][] b, int[] dims, int k) {}
        @Override public int backwardItems(int[] dims, int k) { return 0; }
        @Override public void backwardRange(float[][] b, int[] dims, int k, int lo, int hi) {}
        @Override public void backward(float[][] b, int[] dims) {}
        @Override public void step(float[][] b, int[] dims, float[] hyper) {}
    }

    /** Every iteration of every op runs exactly once, pass after pass, on the caller and the workers. */
    @Test
    void everyIterationRunsOnceOnSeveralThreads() {
        Fake net = new Fake(7, 1, 2, 300, 3);
        Threads threads = new Threads(net, 3);
        for (int pass = 1; pass <= 200; pass++) {
            threads.forward(new float[0][], new int[0]);
            for (int k = 0; k < net.items.length; k++) {
                for (int i = 0; i < net.items[k]; i++) assertEquals(pass, net.seen[k][i].get(), "op " + k + ", item " + i);
            }
        }
        assertEquals(3, net.threads.size(), "the caller and two workers");
    }

    /** A failing range's exception reaches the caller, after every other range has finished; the next pass works. */
    @Test
    void aFailureArrivesAfterEveryRangeFinished() {
        Fake net = new Fake(9, 9);
        net.failing = 0;
        Threads threads = new Threads(net, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> threads.forward(new float[0][], new int[0]));
        assertTrue(e.getMessage().startsWith("range 6..9"), e.getMessage());
        for (int i = 0; i < 9; i++) assertEquals(1, net.seen[0][i].get(), "item " + i);
        net.failing = -1;
        threads.forward(new float[0][], new int[0]);
        for (int i = 0; i < 9; i++) assertEquals(2, net.seen[0][i].get(), "item " + i + " of the next pass");
        for (int i = 0; i < 9; i++) assertEquals(1, net.seen[1][i].get(), "op 1 ran only in the second pass");
    }

    /** An interrupt of the caller during a pass does not cut it short; the caller stays interrupted. */
    @Test
    void anInterruptedCallerWaitsForItsWorkersAndStaysInterrupted() {
        Fake net = new Fake(2000);
        Threads threads = new Threads(net, 2);
        Thread.currentThread().interrupt();
        try {
            threads.forward(new float[0][], new int[0]);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        for (int i = 0; i < 2000; i++) assertEquals(1, net.seen[0][i].get(), "item " + i);
    }
}

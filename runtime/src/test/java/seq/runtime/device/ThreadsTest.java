package seq.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
     * A fake model: forward op k has {@code items[k]} iterations. Each range waits a little (the range
     * starting at {@code slowFrom} 30 ms), then counts its iterations in {@code done[k]} and records its
     * thread; the range of op {@code failing} starting at {@code failFrom} then throws {@code failure}.
     */
    private static final class Fake implements Net32 {
        final int[] items;
        final AtomicInteger[][] done;
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        volatile int slowFrom = -1, failing = -1, failFrom = -1;
        volatile Throwable failure;
        /**
         * The thread that runs the passes; with {@code others} above 0, its range of op {@code waitOp} first
         * waits (up to 5 s) until that many other threads have entered a range of that op ({@code entered},
         * which a test clears before each pass).
         */
        volatile Thread caller;
        volatile int others, waitOp;
        final java.util.Map<Integer, AtomicInteger> entered = new ConcurrentHashMap<>();
        /** Which thread ran the range of op k starting at lo: key k·1000 + lo. */
        final java.util.Map<Integer, Thread> ranBy = new ConcurrentHashMap<>();

        Fake(int... items) {
            this.items = items;
            done = new AtomicInteger[items.length][];
            for (int k = 0; k < items.length; k++) {
                done[k] = new AtomicInteger[items[k]];
                for (int i = 0; i < items[k]; i++) done[k][i] = new AtomicInteger();
            }
        }

        @Override public int forwardOps() { return items.length; }
        @Override public int forwardItems(int[] dims, int k) { return items[k]; }
        @Override public void forwardRange(float[][] b, int[] dims, int k, int lo, int hi) {
            threads.add(Thread.currentThread());
            ranBy.put(k * 1000 + lo, Thread.currentThread());
            AtomicInteger in = entered.computeIfAbsent(k, key -> new AtomicInteger());
            if (Thread.currentThread() != caller) {
                in.incrementAndGet();
            } else if (lo == 0 && others > 0 && k == waitOp) {
                // So that every worker starts its range before the caller could take it over.
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (in.get() < others && System.nanoTime() < deadline) Thread.onSpinWait();
            }
            // Uneven work, so that the ranges finish in every order.
            long until = System.nanoTime() + (lo == slowFrom ? 30_000_000L : 20_000L * ((lo * 7 + k) % 5));
            while (System.nanoTime() < until) Thread.onSpinWait();
            for (int i = lo; i < hi; i++) done[k][i].incrementAndGet();
            if (k == failing && lo == failFrom) {
                if (failure instanceof Error e) throw e;
                throw (RuntimeException) failure;
            }
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

        void assertRuns(int k, int times) {
            for (int i = 0; i < items[k]; i++) assertEquals(times, done[k][i].get(), "op " + k + ", item " + i);
        }
    }

    private static void pass(Threads threads) {
        threads.forward(new float[0][], new int[0]);
    }

    /** Every iteration of every op runs exactly once, pass after pass, on the caller and the workers. */
    @Test
    void everyIterationRunsOnceOnSeveralThreads() {
        Fake net = new Fake(7, 1, 2, 300, 3);
        // In op 3 the caller waits until both workers have started, so that each runs a range there.
        net.caller = Thread.currentThread();
        net.others = 2;
        net.waitOp = 3;
        Threads threads = new Threads(net, 3);
        for (int n = 1; n <= 200; n++) {
            net.entered.clear();
            pass(threads);
            for (int k = 0; k < net.items.length; k++) net.assertRuns(k, n);
        }
        assertEquals(3, net.threads.size(), "the caller and two workers");
    }

    /**
     * A range whose worker has not started it by the time the caller finished its own runs on the caller:
     * with workers that never get a processor, every range still runs once, all of them on the caller.
     */
    @Test
    void theCallerRunsTheRangesOfWorkersThatDoNotStart() {
        Fake net = new Fake(7, 1, 2, 300, 3);
        Threads threads = new Threads(net, 3, 10_000_000_000L, false);
        for (int n = 1; n <= 20; n++) {
            pass(threads);
            for (int k = 0; k < net.items.length; k++) net.assertRuns(k, n);
        }
        assertEquals(Set.of(Thread.currentThread()), net.threads);
    }

    /**
     * A failing range's exception, or error, reaches the caller only after every other range has finished
     * (here a slow one after it); the next pass works.
     */
    @Test
    void aFailureArrivesAfterEveryRangeFinished() {
        for (Throwable failure : new Throwable[] {new IllegalArgumentException("bad range"), new AssertionError("bad range")}) {
            Fake net = new Fake(9, 9);
            net.failing = 0;
            net.failFrom = 3;
            net.slowFrom = 6;
            net.failure = failure;
            net.caller = Thread.currentThread();
            net.others = 2;
            Threads threads = new Threads(net, 3);
            Throwable thrown = assertThrows(Throwable.class, () -> pass(threads));
            assertSame(failure, thrown);
            // The failing range and the slow one ran on workers: the failure crossed threads.
            assertTrue(net.ranBy.get(3) != Thread.currentThread() && net.ranBy.get(6) != Thread.currentThread());
            net.assertRuns(0, 1);
            net.assertRuns(1, 0);
            net.failing = -1;
            pass(threads);
            net.assertRuns(0, 2);
            net.assertRuns(1, 1);
        }
    }

    /** An interrupt of the caller during a pass does not cut the wait for a slow worker short; the caller stays interrupted. */
    @Test
    void anInterruptedCallerWaitsForItsWorkersAndStaysInterrupted() {
        Fake net = new Fake(10);
        net.slowFrom = 5;
        net.caller = Thread.currentThread();
        net.others = 1;
        Threads threads = new Threads(net, 2);
        Thread.currentThread().interrupt();
        try {
            pass(threads);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        net.assertRuns(0, 1);
        assertTrue(net.ranBy.get(5) != Thread.currentThread(), "the slow range ran on the worker, which the caller waited for");
    }

    /** A worker idle for longer than its limit ends, and a new one takes the next range. */
    @Test
    void anIdleWorkerEndsAndIsReplaced() throws InterruptedException {
        Fake net = new Fake(4);
        // The caller's own range waits until the worker has started its range, so that the caller cannot take it.
        net.caller = Thread.currentThread();
        net.others = 1;
        Threads threads = new Threads(net, 2, 20_000_000L);
        pass(threads);
        Set<Thread> first = Set.copyOf(net.threads);
        assertEquals(2, first.size());
        Thread worker = first.stream().filter(t -> t != Thread.currentThread()).findFirst().orElseThrow();
        worker.join(5_000);
        assertTrue(!worker.isAlive(), "the idle worker ended");
        net.entered.clear();
        pass(threads);
        net.assertRuns(0, 2);
        assertEquals(3, net.threads.size(), "a new worker thread took the second pass's range");
    }
}

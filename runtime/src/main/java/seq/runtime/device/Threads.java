package seq.runtime.device;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import seq.runtime.model.Net32;

/**
 * The JVM executor: every op on the JVM, and each data-parallel op split across threads: the recurrences'
 * time loops, Conv1D, pooling and products by sample or row, element-wise passes by blocks of elements or
 * rows, reductions (bias and kernel gradients) by blocks of columns or of the weight's rows. The ranges
 * write disjoint elements and nothing is summed across them, so results are the same, bit for bit, for any
 * number of threads.
 *
 * <p>The first range runs on the calling thread, each other on a worker thread of its own, handed over
 * through a box the worker watches: it spins for {@link #SPIN_NS} after each range before it parks, since a
 * pass's ops follow each other within microseconds while waking a parked thread takes 10–20 µs here
 * (reference model 1, whose ops are that small, trained 18% faster than with a thread pool's hand-off).
 * A range its worker has not started by the time the caller finished its own, the caller runs itself: a
 * worker that is still waking up, or whose processor the machine gave to something else for a while,
 * then costs nothing, where the caller used to wait for it. Which thread runs a range does not change
 * what it computes. One caller at a time: a training session's passes run one after another.
 */
final class Threads implements Executor {
    private final Net32 net;
    private final int threads;
    /** The threads that run every range but the first, one each; started on first use. */
    private final Worker[] workers;

    Threads(Net32 net, int threads) {
        this(net, threads, IDLE_NS);
    }

    /** With workers that end after {@code idleNanos} without work. */
    Threads(Net32 net, int threads, long idleNanos) {
        this(net, threads, idleNanos, true);
    }

    /** With workers whose threads start only if {@code startWorkers} (else the caller runs every range, as it does for a worker that never gets a processor). */
    Threads(Net32 net, int threads, long idleNanos, boolean startWorkers) {
        this.net = net;
        this.threads = Math.max(1, threads);
        this.workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) workers[i] = new Worker(idleNanos, startWorkers);
    }

    /** Threads for the JVM: the system property {@code seq.threads}, else one per available processor. */
    static int defaultThreads() {
        return Integer.getInteger("seq.threads", Runtime.getRuntime().availableProcessors());
    }

    @Override public String describe() {
        return "jvm" + (threads > 1 ? " (" + threads + " threads)" : "");
    }

    @Override public void forward(float[][] buffers, int[] dims) {
        if (workers.length == 0 && !OpTimes.ON) {
            net.forward(buffers, dims);
            return;
        }
        pass("forward", net.forwardOps(), k -> net.forwardItems(dims, k), k -> net.forwardOp(buffers, dims, k),
            (k, lo, hi) -> net.forwardRange(buffers, dims, k, lo, hi));
    }

    @Override public void backward(float[][] buffers, int[] dims) {
        if (workers.length == 0 && !OpTimes.ON) {
            net.backward(buffers, dims);
            return;
        }
        net.backwardOp(buffers, dims, -1);
        pass("backward", net.backwardOps(), k -> net.backwardItems(dims, k), k -> net.backwardOp(buffers, dims, k),
            (k, lo, hi) -> net.backwardRange(buffers, dims, k, lo, hi));
    }

    private interface Range {
        void run(int op, int lo, int hi);
    }

    /** Ops 0 .. ops−1 in order: whole on this thread, or split by {@link #split} when they have two or more items. */
    private void pass(String name, int ops, java.util.function.IntUnaryOperator items, java.util.function.IntConsumer whole,
                      Range range) {
        long[] times = OpTimes.ON ? OpTimes.of(net, name, ops) : null;
        for (int k = 0; k < ops; k++) {
            long start = times == null ? 0 : System.nanoTime();
            int n = items.applyAsInt(k);
            if (n < 2) {
                whole.accept(k);
            } else {
                int op = k;
                split(n, (lo, hi) -> range.run(op, lo, hi));
            }
            if (times != null) times[k] += System.nanoTime() - start;
        }
    }

    @Override public long launches() { return 0; }

    private interface Part {
        void run(int lo, int hi);
    }

    /** Runs [0, items) as up to {@link #threads} contiguous ranges: the first on this thread, the rest on the workers. */
    private void split(int items, Part range) {
        int parts = Math.min(threads, items), posted = 0;
        Task[] tasks = new Task[parts - 1];
        Throwable failure = null;
        try {
            for (int p = 1; p < parts; p++) {
                tasks[p - 1] = new Task(range, (int) ((long) items * p / parts), (int) ((long) items * (p + 1) / parts));
                workers[p - 1].post(tasks[p - 1]);
                posted++;
            }
            range.run(0, (int) ((long) items / parts));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every range posted finishes before this returns or throws: none may still write the workspace after.
        // Those their workers have not started yet run here, first; then the caller waits for the others.
        for (int p = 0; p < posted; p++) tasks[p].claimAndRun();
        boolean interrupted = false;
        for (int p = 0; p < posted; p++) {
            Task t = tasks[p];
            long start = System.nanoTime();
            while (!t.done) {
                if (System.nanoTime() - start < SPIN_NS) {
                    Thread.onSpinWait();
                } else {
                    // The worker unparks the waiter it finds after it set done; the timeout is a safety net.
                    t.waiter = Thread.currentThread();
                    if (!t.done) LockSupport.parkNanos(this, WAIT_NS);
                    if (Thread.interrupted()) interrupted = true;
                }
            }
            if (failure == null) failure = t.failure;
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
    }

    /**
     * How long a thread that is out of work spins before it parks: ops follow each other within
     * microseconds, and waking a parked thread costs 10–20 µs here, more than many ops take.
     */
    private static final long SPIN_NS = 50_000;
    /** A waiting caller's longest park between checks. */
    private static final long WAIT_NS = 1_000_000;
    /** A worker with no work for this long ends (and is started again when work comes). */
    private static final long IDLE_NS = 10_000_000_000L;

    /**
     * One range to run, by its worker or, if the caller claims it first, by the caller; {@code done} is set
     * after it ran, {@code failure} before that.
     */
    private static final class Task {
        final Part part;
        final int lo, hi;
        private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean done;
        /** The caller, once it parks to wait for this. */
        volatile Thread waiter;
        Throwable failure;

        Task(Part part, int lo, int hi) {
            this.part = part;
            this.lo = lo;
            this.hi = hi;
        }

        boolean claimed() {
            return claimed.get();
        }

        /** Runs the range here unless another thread claimed it first. */
        void claimAndRun() {
            if (claimed.compareAndSet(false, true)) run();
        }

        private void run() {
            try {
                part.run(lo, hi);
            } catch (Throwable e) {
                failure = e;
            } finally {
                done = true;
                Thread w = waiter;
                if (w != null) LockSupport.unpark(w);
            }
        }
    }

    /**
     * A thread that runs one posted range at a time. Its box holds the posted task, null while the thread
     * waits for one, or {@link #EXITED} when no thread is running (at first, and after it has been idle for
     * {@link #IDLE_NS}). Only the poster moves null, EXITED or a task the caller claimed (ran itself) to a
     * new task; only the thread moves a task to null (before it claims it, which fails if the caller claimed
     * it first) or null to EXITED; so a post never meets a thread that is leaving.
     */
    private static final class Worker implements Runnable {
        private static final Object EXITED = new Object();
        private final AtomicReference<Object> box = new AtomicReference<>(EXITED);
        private final long idleNanos;
        private final boolean start;
        private volatile Thread thread;

        Worker(long idleNanos, boolean start) {
            this.idleNanos = idleNanos;
            this.start = start;
        }

        void post(Task task) {
            while (true) {
                Object b = box.get();
                // A task still in the box that the caller claimed (ran itself) is replaced.
                if (b == null || b instanceof Task old && old.claimed()) {
                    if (box.compareAndSet(b, task)) {
                        LockSupport.unpark(thread);
                        return;
                    }
                } else if (b == EXITED) {
                    if (box.compareAndSet(EXITED, task)) {
                        if (!start) return;
                        try {
                            Thread t = new Thread(this, "seq-jvm");
                            t.setDaemon(true);
                            thread = t;
                            t.start();
                        } catch (RuntimeException | Error e) {
                            // No thread will take the task: the box goes back to having none.
                            box.set(EXITED);
                            throw e;
                        }
                        return;
                    }
                } else {
                    throw new IllegalStateException("a worker was given a range before it finished the last");
                }
            }
        }

        @Override public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Object b = box.get();
                if (b instanceof Task task) {
                    // A compare-and-set, not a set: the caller may have claimed this task and posted the next.
                    if (!box.compareAndSet(task, null)) continue;
                    task.claimAndRun();
                    idleSince = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NS) {
                    Thread.onSpinWait();
                } else if (idle < idleNanos) {
                    // A range that left this thread interrupted would make every park return at once.
                    Thread.interrupted();
                    LockSupport.parkNanos(this, idleNanos - idle);
                } else if (box.compareAndSet(null, EXITED)) {
                    return;
                }
            }
        }
    }
}

package seq.runtime.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import seq.runtime.model.Net32;

/**
 * The JVM executor: every op on the JVM, and each data-parallel op (the recurrences' time loops,
 * Conv1D, pooling, the input products) split across threads by sample. The ranges write disjoint
 * rows and nothing is summed across them, so results are the same, bit for bit, for any number of threads.
 */
final class Threads implements Executor {
    private final Net32 net;
    private final int threads;
    private final ExecutorService pool;

    Threads(Net32 net, int threads) {
        this.net = net;
        this.threads = Math.max(1, threads);
        if (this.threads == 1) {
            this.pool = null;
        } else {
            // Idle threads end after a while, so executors that are dropped (a model reloaded, a device
            // switched) leave nothing behind.
            java.util.concurrent.ThreadPoolExecutor p = new java.util.concurrent.ThreadPoolExecutor(this.threads - 1, this.threads - 1,
                10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "seq-jvm");
                    t.setDaemon(true);
                    return t;
                });
            p.allowCoreThreadTimeOut(true);
            this.pool = p;
        }
    }

    /** Threads for the JVM: the system property {@code seq.threads}, else one per available processor. */
    static int defaultThreads() {
        return Integer.getInteger("seq.threads", Runtime.getRuntime().availableProcessors());
    }

    @Override public String describe() {
        return "jvm" + (threads > 1 ? " (" + threads + " threads)" : "");
    }

    @Override public void forward(float[][] buffers, int[] dims) {
        if (pool == null) {
            net.forward(buffers, dims);
            return;
        }
        pass(net.forwardOps(), k -> net.forwardItems(dims, k), k -> net.forwardOp(buffers, dims, k),
            (k, lo, hi) -> net.forwardRange(buffers, dims, k, lo, hi));
    }

    @Override public void backward(float[][] buffers, int[] dims) {
        if (pool == null) {
            net.backward(buffers, dims);
            return;
        }
        net.backwardOp(buffers, dims, -1);
        pass(net.backwardOps(), k -> net.backwardItems(dims, k), k -> net.backwardOp(buffers, dims, k),
            (k, lo, hi) -> net.backwardRange(buffers, dims, k, lo, hi));
    }

    private interface Range {
        void run(int op, int lo, int hi);
    }

    /** Ops 0 .. ops−1 in order: whole on this thread, or split by {@link #split} when they have two or more items. */
    private void pass(int ops, java.util.function.IntUnaryOperator items, java.util.function.IntConsumer whole, Range range) {
        for (int k = 0; k < ops; k++) {
            int n = items.applyAsInt(k);
            if (n < 2) {
                whole.accept(k);
            } else {
                int op = k;
                split(n, (lo, hi) -> range.run(op, lo, hi));
            }
        }
    }

    @Override public long launches() { return 0; }

    private interface Part {
        void run(int lo, int hi);
    }

    /** Runs [0, items) as up to {@link #threads} contiguous ranges: the first on this thread, the rest on the pool. */
    private void split(int items, Part range) {
        int parts = Math.min(threads, items);
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int lo = (int) ((long) items * p / parts), hi = (int) ((long) items * (p + 1) / parts);
            others.add(pool.submit(() -> range.run(lo, hi)));
        }
        Throwable failure = null;
        try {
            range.run(0, (int) ((long) items / parts));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every range finishes before this returns or throws: none may still write the workspace after.
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
    }
}

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import seq.runtime.Model;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npy;
import seq.runtime.train.Trainer;

/**
 * Trains the model of the trainer jar on the class path through its Java API and prints, for each
 * epoch, its wall time, the bytes the training thread allocated and the collections that ran.
 * Epoch boundaries are the trainer's own progress lines ("Epoch k/N" before an epoch, the summary
 * line after it), so nothing in the runtime changes to be measured.
 *
 * usage: java -cp MODEL.jar:DIR SeqBench X.npy Y.npy EPOCHS BATCH [DEVICE]
 * prints: epoch K SECONDS ALLOCATED_BYTES GC_COUNT GC_MILLIS   (one line per epoch), then
 *         launches TOTAL STEPS   (OpenCL kernel launches over all training steps), or, when the
 *         device cannot be had, one line: unavailable MESSAGE
 * DEVICE is jvm (default), opencl or auto; the device is chosen (and its kernels built) before the
 * first epoch, so kernel compilation is not timed. Each epoch's line is printed as the epoch ends.
 * With SEQ_BENCH_LOCKSTEP=1 in the environment, each epoch waits for a line on standard input before
 * it starts (bench/lockstep.py takes turns between this and PyTorch, an epoch each).
 */
public final class SeqBench {
    /**
     * Reads the trainer's progress lines as it prints them: at an epoch's first line ("Epoch k/N") it
     * takes a timestamp, the thread's allocation and the GC counters (after waiting for its turn, in
     * lockstep), and at the epoch's summary line it takes them again and prints the epoch's line.
     */
    static final class Epochs extends OutputStream {
        int epoch;
        private final StringBuilder line = new StringBuilder();
        private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final long thread = Thread.currentThread().getId();
        private final BufferedReader turns;
        private long[] start;

        Epochs(BufferedReader turns) {
            this.turns = turns;
        }

        @Override public void write(int b) {
            if (b != '\n') {
                line.append((char) b);
                return;
            }
            String l = line.toString();
            line.setLength(0);
            if (l.startsWith("Epoch ")) {
                if (turns != null) waitForTurn();
                start = mark();
            } else if (start != null && l.contains("/step")) {
                long[] end = mark();
                epoch++;
                System.out.printf(Locale.ROOT, "epoch %d %.6f %d %d %d  %s%n", epoch, (end[0] - start[0]) / 1e9, end[1] - start[1],
                    end[2] - start[2], end[3] - start[3], l.replaceAll("^.*/step", "").trim());
                System.out.flush();
                start = null;
            }
        }

        private void waitForTurn() {
            try {
                if (turns.readLine() == null) throw new IllegalStateException("lockstep: standard input ended before epoch " + (epoch + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private long[] mark() {
            long now = System.nanoTime();
            long allocated = threads.getThreadAllocatedBytes(thread);
            long count = 0, millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += gc.getCollectionCount();
                millis += gc.getCollectionTime();
            }
            return new long[] {now, allocated, count, millis};
        }
    }

    public static void main(String[] args) {
        NdArray x = Npy.read(Path.of(args[0])), y = Npy.read(Path.of(args[1]));
        int epochs = Integer.parseInt(args[2]), batch = Integer.parseInt(args[3]);
        String device = args.length > 4 ? args[4] : "jvm";
        Model model = Model.load().initialize(1);
        try {
            for (String line : model.device(device).split("\n")) System.out.println("# " + line);
        } catch (seq.runtime.UserError e) {
            System.out.println("unavailable " + e.getMessage());
            return;
        }
        boolean lockstep = "1".equals(System.getenv("SEQ_BENCH_LOCKSTEP"));
        Epochs seen = new Epochs(lockstep ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) : null);
        PrintStream progress = new PrintStream(seen, true);
        model.fit(x, y, new Trainer.FitOptions(epochs, batch, 0.0, 1L, null, false, null, null), progress);
        progress.flush();
        if (seen.epoch != epochs) throw new IllegalStateException("expected " + epochs + " epochs in the trainer's output, found " + seen.epoch);
        long steps = (long) epochs * ((x.dim(0) + batch - 1) / batch);
        System.out.printf(Locale.ROOT, "launches %d %d%n", model.launches(), steps);
    }
}

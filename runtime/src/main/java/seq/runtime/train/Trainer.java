package seq.runtime.train;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import seq.runtime.UserError;
import seq.runtime.init.Rng;
import seq.runtime.io.AtomicFiles;
import seq.runtime.io.NdArray;
import seq.runtime.io.SafeTensors;

/**
 * The training loop and its relatives (evaluate, predict, gradients) over a {@link Session}. Data is
 * checked against the model's signature before any work starts; a NaN stops training with the epoch
 * and batch named, keeping the last good checkpoint; checkpoints are written atomically every epoch.
 */
public final class Trainer {
    private final Session session;
    private final ModelInfo info;
    private final PrintStream out;

    public Trainer(Session session, PrintStream out) {
        this.session = session;
        this.info = session.info;
        this.out = out;
    }

    /** The options of one `fit`; null fields take the model's train block. */
    public record FitOptions(Integer epochs, Integer batchSize, Double validationSplit, Long seed, Path checkpoint,
                             boolean resume, Integer patience, Path log) {}

    /** Bound sizes for a batch of {@code rows} samples of {@code x}; reports data that does not fit the signature. */
    int[] bind(NdArray x, String xName, int rows) {
        ModelInfo.Buffer in = info.buffers().get(info.inputs().get(0));
        long[] shape = x.shape();
        if (in.integer() && rows == x.dim(0)) checkIds(x, xName, in.idLimit());
        String declared = "[" + String.join(", ", in.dims()) + "]";
        if (shape.length != in.rank()) {
            throw new UserError(xName + " has shape " + x.shapeString() + " (rank " + shape.length + ") but model " + info.name()
                + " takes x: " + declared + " (rank " + in.rank() + ", " + info.sourceLine() + ")");
        }
        Map<String, Integer> bound = new HashMap<>();
        for (int a = 0; a < shape.length; a++) {
            String d = in.dims().get(a);
            long got = a == 0 ? rows : shape[a];
            if (d.matches("\\d+")) {
                if (Long.parseLong(d) != got) {
                    throw new UserError(xName + " has shape " + x.shapeString() + " but model " + info.name() + " takes x: " + declared
                        + " (" + info.sourceLine() + "); axis " + a + " must be " + d);
                }
            } else if (!d.equals("~")) {
                bound.put(d, (int) got);
            }
        }
        int[] dims = new int[info.symbols().size()];
        for (int k = 0; k < dims.length; k++) {
            Integer v = bound.get(info.symbols().get(k));
            if (v == null) throw new UserError("size `" + info.symbols().get(k) + "` of model " + info.name() + " cannot be bound from " + xName);
            dims[k] = v;
        }
        for (int[] s : session.shapes(dims)) {
            for (int d : s) {
                if (d <= 0) {
                    throw new UserError(xName + " with shape " + x.shapeString() + " is too short for model " + info.name()
                        + ": a layer's output would have length " + d + "; use longer sequences");
                }
            }
        }
        return dims;
    }

    /** Checks that y holds one target per sample of the model's output shape. */
    void checkTargets(NdArray x, NdArray y, String yName, int[] dimsForAll) {
        int[] want = session.shapes(dimsForAll).get(info.target());
        long[] got = y.shape();
        boolean ok = got.length == want.length;
        for (int a = 0; ok && a < got.length; a++) ok = got[a] == want[a];
        if (!ok) {
            String wanted = Arrays.stream(want).mapToObj(String::valueOf).collect(Collectors.joining(", ", "(", want.length == 1 ? ",)" : ")"));
            throw new UserError(yName + " has shape " + y.shapeString() + " but model " + info.name() + " predicts "
                + wanted + " for these inputs (" + info.sourceLine() + "); the targets must have that shape");
        }
        checkFinite(y, yName);
    }

    /** Token ids for an Embedding: whole numbers from 0, below {@code limit} (the smallest input_dim) when it is known. */
    private void checkIds(NdArray x, String name, long limit) {
        float[] v = x.floats();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] != Math.rint(v[i])) {
                throw new UserError(name + " holds " + v[i] + " at position " + i + ", but the model takes integer ids (i32) from 0; "
                    + "save token ids as int32");
            }
            if (limit > 0 && v[i] >= limit) {
                throw new UserError(name + " holds id " + (long) v[i] + " at position " + i + ", but model " + info.name() + " ("
                    + info.sourceLine() + ") embeds ids below " + limit + "; raise the Embedding's input_dim or map the id into range");
            }
        }
    }

    static void checkFinite(NdArray a, String name) {
        float[] v = a.floats();
        int per = a.rank() == 0 ? 1 : (int) (v.length / Math.max(1, a.dim(0)));
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new UserError(name + " contains " + v[i] + " in sample " + (i / Math.max(1, per))
                    + "; remove or fill the missing values before training");
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** One pass over a batch: copies samples in, runs forward (and backward); returns the buffers. */
    private float[][] run(float[] x, int xRow, float[] y, int yRow, int[] order, int from, int rows, NdArray xs, boolean backward,
                          Rng dropout) {
        int[] dims = bind(xs, "x", rows);
        float[][] b = session.workspace(dims);
        // Dropout masks: scaled Bernoulli keeps while training, ones otherwise.
        info.dropout().forEach((buffer, rate) -> {
            float[] mask = b[buffer];
            float keep = (float) (1 / (1 - rate));
            for (int i = 0; i < mask.length; i++) mask[i] = dropout == null ? 1 : dropout.nextDouble() >= rate ? keep : 0;
        });
        float[] in = b[info.inputs().get(0)], target = b[info.target()];
        for (int r = 0; r < rows; r++) {
            int sample = order == null ? from + r : order[from + r];
            System.arraycopy(x, sample * xRow, in, r * xRow, xRow);
            if (y != null) System.arraycopy(y, sample * yRow, target, r * yRow, yRow);
        }
        session.executor().forward(b, dims);
        if (backward) session.executor().backward(b, dims);
        return b;
    }

    /** Sums of loss and metrics over samples, and how many samples. */
    private final class Tally {
        final List<String> metrics;
        final double[] sums;
        long samples;

        Tally(List<String> metrics) {
            this.metrics = metrics;
            sums = new double[metrics.size() + 1];
        }

        void add(float[][] b, int rows) {
            sums[0] += b[info.loss()][0] * rows;
            float[] p = b[info.output()], t = b[info.target()];
            int width = rows == 0 ? 1 : p.length / rows;
            for (int m = 0; m < metrics.size(); m++) sums[m + 1] += Metrics.sum(metrics.get(m), p, t, rows, width);
            samples += rows;
        }

        Map<String, Double> means(String prefix) {
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(prefix + "loss", sums[0] / samples);
            for (int m = 0; m < metrics.size(); m++) out.put(prefix + metrics.get(m), sums[m + 1] / samples);
            return out;
        }
    }

    List<String> metrics() {
        String m = info.setting("metrics", "");
        return m.isEmpty() ? List.of() : List.of(m.split(","));
    }

    /** Trains; returns the last epoch's loss and metrics (validation included). */
    public Map<String, Double> fit(NdArray xs, NdArray ys, FitOptions o) {
        int epochs = o.epochs() != null ? o.epochs() : Integer.parseInt(info.setting("epochs", "1"));
        int batch = o.batchSize() != null ? o.batchSize() : Integer.parseInt(info.setting("batch_size", "32"));
        double split = o.validationSplit() != null ? o.validationSplit() : Double.parseDouble(info.setting("validation_split", "0"));
        long seed = o.seed() != null ? o.seed() : Long.parseLong(info.setting("seed", "0"));
        boolean shuffle = Boolean.parseBoolean(info.setting("shuffle", "true"));
        int n = (int) xs.dim(0);
        int[] all = bind(xs, "x", n);
        samples(n, ys);
        checkFinite(xs, "x");
        checkTargets(xs, ys, "y", all);
        int nVal = (int) Math.floor(n * split);
        int nTrain = n - nVal;
        if (nTrain <= 0) throw new UserError("validation_split " + split + " leaves no training samples out of " + n);
        float[] x = xs.floats(), y = ys.floats();
        int xRow = x.length / n, yRow = y.length / n;
        Optimizer optimizer = new Optimizer(info.train(), session);
        optimizer.reset();
        // Weight sizes are fixed, so the generated step reads no bound size.
        int[] stepDims = new int[info.symbols().size()];
        int start = 0;
        double best = Double.POSITIVE_INFINITY;
        int stale = 0;
        if (o.resume()) {
            if (o.checkpoint() == null || !Files.exists(o.checkpoint())) {
                throw new UserError("--resume: no checkpoint at " + o.checkpoint() + "; train without --resume first");
            }
            SafeTensors.File ck = SafeTensors.read(o.checkpoint());
            String notCheckpoint = optimizer.checkpointProblem(ck);
            if (notCheckpoint != null) {
                throw new UserError("--resume: " + o.checkpoint() + " is not a checkpoint of model " + info.name() + " (" + notCheckpoint
                    + "); resume from the .ckpt file a run writes, or train without --resume");
            }
            session.setWeights(ck.tensors(), o.checkpoint().toString());
            optimizer.restore(ck.tensors(), Long.parseLong(ck.metadata().get("iterations")));
            start = Integer.parseInt(ck.metadata().get("epoch"));
            best = Double.parseDouble(ck.metadata().get("best"));
            stale = Integer.parseInt(ck.metadata().get("stale"));
            out.println("resuming after epoch " + start + " from " + o.checkpoint());
        }
        announceDevice();
        seq.runtime.model.Gemm.awaitWarmUp();
        int steps = (nTrain + batch - 1) / batch;
        Map<String, Double> last = Map.of();
        List<String> metrics = metrics();
        boolean terminal = System.console() != null;
        for (int epoch = start; epoch < epochs; epoch++) {
            out.println("Epoch " + (epoch + 1) + "/" + epochs);
            int[] order = new int[nTrain];
            for (int i = 0; i < nTrain; i++) order[i] = i;
            if (shuffle) {
                Rng rng = new Rng(seed).fork("epoch " + epoch);
                for (int i = nTrain - 1; i > 0; i--) {
                    int j = (int) (rng.nextDouble() * (i + 1));
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            Tally tally = new Tally(metrics);
            long began = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                int from = s * batch, rows = Math.min(batch, nTrain - from);
                float[][] b = run(x, xRow, y, yRow, order, from, rows, xs, true, new Rng(seed).fork("dropout " + epoch + " " + s));
                float loss = b[info.loss()][0];
                if (!Float.isFinite(loss)) {
                    throw new UserError("the loss became " + loss + " at epoch " + (epoch + 1) + ", batch " + (s + 1)
                        + "; training stopped" + (o.checkpoint() != null && epoch > 0 ? "; the checkpoint of epoch " + epoch
                        + " is kept in " + o.checkpoint() : "") + ". Lower the learning rate or set clipnorm in the train block");
                }
                optimizer.step(b, stepDims);
                tally.add(b, rows);
                if (terminal) out.print("\r" + progress(s + 1, steps, began, tally.means("")));
            }
            Map<String, Double> results = new LinkedHashMap<>(tally.means(""));
            if (nVal > 0) results.putAll(evaluate(x, xRow, y, yRow, nTrain, nVal, batch, xs, metrics).means("val_"));
            out.println((terminal ? "\r" : "") + progress(steps, steps, began, results));
            last = results;
            double monitored = results.getOrDefault("val_loss", results.get("loss"));
            if (monitored < best) {
                best = monitored;
                stale = 0;
            } else {
                stale++;
            }
            if (o.log() != null) log(o.log(), epoch + 1, results);
            if (o.checkpoint() != null) checkpoint(o.checkpoint(), optimizer, epoch + 1, best, stale);
            if (o.patience() != null && stale >= o.patience()) {
                out.println("early stopping: " + (nVal > 0 ? "val_loss" : "loss") + " has not improved for " + stale + " epochs");
                break;
            }
        }
        return last;
    }

    /** Chooses the device (building its kernels) once the data is known to be good, and says which. */
    private void announceDevice() {
        String line = session.announcement();
        if (line != null) out.println(line);
    }

    private String progress(int step, int steps, long began, Map<String, Double> values) {
        double seconds = (System.nanoTime() - began) / 1e9;
        int done = (int) Math.round(20.0 * step / steps);
        StringBuilder s = new StringBuilder();
        s.append(step).append('/').append(steps).append(' ').append("━".repeat(done)).append(" ".repeat(20 - done)).append(' ')
            .append(Math.round(seconds)).append("s ").append(Math.round(seconds * 1000 / Math.max(1, step))).append("ms/step");
        values.forEach((k, v) -> s.append(" - ").append(k).append(": ").append(fmt(v)));
        return s.toString();
    }

    private Tally evaluate(float[] x, int xRow, float[] y, int yRow, int first, int count, int batch, NdArray xs, List<String> metrics) {
        Tally tally = new Tally(metrics);
        for (int from = first; from < first + count; from += batch) {
            int rows = Math.min(batch, first + count - from);
            tally.add(run(x, xRow, y, yRow, null, from, rows, xs, false, null), rows);
        }
        return tally;
    }

    private static void samples(int n, NdArray ys) {
        if (ys.rank() == 0 || ys.dim(0) != n) {
            throw new UserError("x has " + n + " samples but y has " + (ys.rank() == 0 ? "none" : String.valueOf(ys.dim(0)))
                + "; give one target per sample");
        }
    }

    public Map<String, Double> evaluate(NdArray xs, NdArray ys, int batch) {
        int n = (int) xs.dim(0);
        int[] all = bind(xs, "x", n);
        samples(n, ys);
        checkFinite(xs, "x");
        checkTargets(xs, ys, "y", all);
        announceDevice();
        float[] x = xs.floats(), y = ys.floats();
        return evaluate(x, x.length / n, y, y.length / n, 0, n, batch, xs, metrics()).means("");
    }

    public NdArray predict(NdArray xs, int batch) {
        int n = (int) xs.dim(0);
        checkFinite(xs, "x");
        // The target has the output's own shape; the output buffer may be shared with a Reshape's input.
        int[] all = session.shapes(bind(xs, "x", n)).get(info.target());
        announceDevice();
        float[] x = xs.floats();
        int xRow = x.length / Math.max(1, n);
        long outRow = 1;
        for (int a = 1; a < all.length; a++) outRow *= all[a];
        float[] result = new float[(int) (outRow * n)];
        for (int from = 0; from < n; from += batch) {
            int rows = Math.min(batch, n - from);
            float[][] b = run(x, xRow, null, 0, null, from, rows, xs, false, null);
            System.arraycopy(b[info.output()], 0, result, (int) (from * outRow), (int) (rows * outRow));
        }
        return NdArray.ofFloats(Arrays.stream(all).asLongStream().toArray(), result);
    }

    /** The loss gradients for all of x and y as one batch. */
    public LinkedHashMap<String, NdArray> gradients(NdArray xs, NdArray ys) {
        int n = (int) xs.dim(0);
        int[] all = bind(xs, "x", n);
        samples(n, ys);
        checkFinite(xs, "x");
        checkTargets(xs, ys, "y", all);
        announceDevice();
        float[] x = xs.floats(), y = ys.floats();
        // Without dropout, so the gradients can be compared with another framework's.
        run(x, x.length / n, y, y.length / n, null, 0, n, xs, true, null);
        return session.gradients();
    }

    private void checkpoint(Path path, Optimizer optimizer, int epoch, double best, int stale) {
        LinkedHashMap<String, NdArray> tensors = session.weights();
        tensors.putAll(optimizer.state());
        SafeTensors.write(path, tensors, Map.of("epoch", String.valueOf(epoch), "iterations", String.valueOf(optimizer.iterations()),
            "best", String.valueOf(best), "stale", String.valueOf(stale), "model", info.name()));
    }

    private static void log(Path path, int epoch, Map<String, Double> results) {
        List<String> lines = new ArrayList<>();
        try {
            if (Files.exists(path) && epoch > 1) lines.addAll(Files.readAllLines(path));
        } catch (java.io.IOException e) {
            throw new UserError("cannot read the log " + path + ": " + e.getMessage());
        }
        if (lines.isEmpty()) lines.add("epoch," + String.join(",", results.keySet()));
        lines.add(epoch + "," + results.values().stream().map(v -> String.format(Locale.ROOT, "%.6g", v)).collect(Collectors.joining(",")));
        AtomicFiles.write(path, o -> o.write((String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}

package seq.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import seq.runtime.Model;
import seq.runtime.UserError;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npy;
import seq.runtime.io.Npz;
import seq.runtime.io.SafeTensors;
import seq.runtime.train.Trainer;

/** `java -jar MODEL.jar COMMAND`: the trainer's command line. */
@Command(name = "trainer", mixinStandardHelpOptions = true, description = "Train, evaluate and run the model compiled into this jar.",
    subcommands = {TrainerMain.Fit.class, TrainerMain.Evaluate.class, TrainerMain.Predict.class, TrainerMain.Gradients.class,
        TrainerMain.Summary.class})
public final class TrainerMain implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int relaunched = Relaunch.withVectorApi(TrainerMain.class, args);
        if (relaunched >= 0) System.exit(relaunched);
        Relaunch.endWithParent();
        seq.runtime.model.Gemm.startWarmUp();
        System.exit(run(args));
    }

    public static int run(String[] args) {
        CommandLine cli = new CommandLine(new TrainerMain());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof UserError) {
                System.out.flush();
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: fit, evaluate, predict, gradients or summary");
    }

    /** Where the data comes from: .npy files, an .npz with arrays x and y, or one CSV series cut into windows. */
    static class DataOptions {
        @Option(names = "--x", paramLabel = "X.npy") Path x;
        @Option(names = "--y", paramLabel = "Y.npy") Path y;
        @Option(names = "--data", paramLabel = "FILE.npz", description = "An .npz holding arrays x and y.") Path data;
        @Option(names = "--csv", paramLabel = "FILE.csv", description = "One series, one value per row (a header row is skipped).") Path csv;
        @Option(names = "--column", defaultValue = "0", description = "The CSV column of the series (default 0).") int column;
        @Option(names = "--window", description = "Steps of the series per sample (with --csv).") Integer window;
        @Option(names = "--horizon", defaultValue = "1", description = "Steps to predict after each window (with --csv).") int horizon;

        NdArray[] load(boolean needY) {
            if (csv != null) return windows();
            NdArray xs, ys = null;
            if (data != null) {
                Map<String, NdArray> arrays = Npz.read(data);
                xs = arrays.get("x");
                ys = arrays.get("y");
                if (xs == null || (needY && ys == null)) {
                    throw new UserError(data + " holds " + String.join(", ", arrays.keySet()) + "; it needs arrays named x"
                        + (needY ? " and y" : "") + " (np.savez(path, x=..., y=...))");
                }
            } else {
                if (x == null) throw new UserError("give the inputs with --x X.npy, --data FILE.npz or --csv FILE.csv");
                xs = Npy.read(x);
                if (needY) {
                    if (y == null) throw new UserError("give the targets with --y Y.npy");
                    ys = Npy.read(y);
                }
            }
            return new NdArray[] {xs, ys};
        }

        private NdArray[] windows() {
            if (window == null || window < 1) throw new UserError("--csv needs --window N, the steps per sample");
            List<Float> series = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                int row = 0;
                for (String line = r.readLine(); line != null; line = r.readLine(), row++) {
                    if (line.isBlank()) continue;
                    String[] cells = line.split(",");
                    if (column >= cells.length) throw new UserError(csv + " row " + (row + 1) + " has no column " + column);
                    try {
                        series.add(Float.parseFloat(cells[column].trim()));
                    } catch (NumberFormatException e) {
                        if (row > 0) throw new UserError(csv + " row " + (row + 1) + ": `" + cells[column].trim() + "` is not a number");
                    }
                }
            } catch (NoSuchFileException e) {
                throw new UserError("cannot read " + csv + ": no such file");
            } catch (IOException e) {
                throw new UserError("cannot read " + csv + ": " + e.getMessage());
            }
            int n = series.size() - window - horizon + 1;
            if (n < 1) throw new UserError(csv + " has " + series.size() + " values, too few for windows of " + window + " plus " + horizon);
            float[] xv = new float[n * window], yv = new float[n * horizon];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < window; t++) xv[i * window + t] = series.get(i + t);
                for (int t = 0; t < horizon; t++) yv[i * horizon + t] = series.get(i + window + t);
            }
            return new NdArray[] {NdArray.ofFloats(new long[] {n, window, 1}, xv), NdArray.ofFloats(new long[] {n, horizon}, yv)};
        }
    }

    static class Common {
        @Option(names = "--device", defaultValue = "auto", description = "auto, jvm or opencl (default auto).") String device;
        @Option(names = "--batch-size", description = "Samples per batch (default: the train block's).") Integer batchSize;

        Model open(Path weights) {
            Model m = Model.load();
            // Chosen, and its line printed, when the first pass runs: bad data is reported before OpenCL starts.
            m.deviceOnFirstUse(device);
            if (weights != null) m.loadWeights(weights);
            return m;
        }

        int batch(Model m) {
            return batchSize != null ? batchSize : Integer.parseInt(m.info().setting("batch_size", "32"));
        }
    }

    @Command(name = "fit", description = "Train the model and save its weights.")
    static final class Fit extends Common implements Callable<Integer> {
        @CommandLine.Mixin DataOptions data = new DataOptions();
        @Option(names = "--epochs") Integer epochs;
        @Option(names = "--validation-split") Double validationSplit;
        @Option(names = "--seed", description = "Seed for initial weights and shuffling (default: the train block's, else 0).") Long seed;
        @Option(names = "--weights", paramLabel = "IN.safetensors", description = "Start from these weights.") Path weights;
        @Option(names = "--out", paramLabel = "OUT.safetensors", defaultValue = "weights.safetensors") Path out;
        @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint written each epoch (default: OUT with .ckpt).") Path checkpoint;
        @Option(names = "--resume", description = "Continue from the checkpoint where a stopped run left off.") boolean resume;
        @Option(names = "--patience", description = "Stop when the monitored loss has not improved for N epochs.") Integer patience;
        @Option(names = "--log", paramLabel = "FILE.csv", description = "Append one CSV row of metrics per epoch.") Path log;
        @Option(names = "--show", defaultValue = "0", description = "After training, print this many predictions next to their targets.") int show;

        @Override public Integer call() {
            NdArray[] xy = data.load(true);
            Model m = open(weights);
            long s = seed != null ? seed : Long.parseLong(m.info().setting("seed", "0"));
            if (weights == null) m.initialize(s);
            Path ck = checkpoint != null ? checkpoint : Path.of(out + ".ckpt");
            Map<String, Double> last = m.fit(xy[0], xy[1], new Trainer.FitOptions(epochs, batchSize, validationSplit, s, ck, resume, patience, log),
                System.out);
            m.saveWeights(out);
            StringBuilder line = new StringBuilder("saved " + out);
            last.forEach((k, v) -> line.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
            System.out.println(line);
            if (show > 0) showPredictions(m, xy[0], xy[1], show);
            return 0;
        }

        /** The last samples (the validation part, when there is one) with their predictions. */
        private static void showPredictions(Model m, NdArray x, NdArray y, int count) {
            int n = (int) x.dim(0), k = Math.min(count, n);
            NdArray sx = rows(x, n - k, k), sy = rows(y, n - k, k);
            float[] p = m.predict(sx, k).floats(), t = sy.floats();
            int width = t.length / k;
            for (int i = 0; i < k; i++) {
                System.out.println("sample " + (n - k + i) + ": predicted " + values(p, i * width, width) + "  target " + values(t, i * width, width));
            }
        }

        private static NdArray rows(NdArray a, int from, int count) {
            long[] shape = a.shape();
            int row = (int) (a.size() / shape[0]);
            shape[0] = count;
            float[] all = a.floats();
            return NdArray.ofFloats(shape, java.util.Arrays.copyOfRange(all, from * row, (from + count) * row));
        }

        private static String values(float[] a, int from, int width) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < Math.min(width, 6); i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", a[from + i]));
            return s.append(width > 6 ? ", ...]" : "]").toString();
        }
    }

    @Command(name = "evaluate", description = "Loss and metrics of saved weights on data.")
    static final class Evaluate extends Common implements Callable<Integer> {
        @CommandLine.Mixin DataOptions data = new DataOptions();
        @Option(names = "--weights", required = true) Path weights;

        @Override public Integer call() {
            NdArray[] xy = data.load(true);
            Model m = open(weights);
            StringBuilder line = new StringBuilder();
            m.evaluate(xy[0], xy[1], batch(m)).forEach((k, v) -> line.append(line.length() == 0 ? "" : " - ")
                .append(String.format(Locale.ROOT, "%s: %.4f", k, v)));
            System.out.println(line);
            return 0;
        }
    }

    @Command(name = "predict", description = "Run the model on inputs and save its outputs as .npy.")
    static final class Predict extends Common implements Callable<Integer> {
        @CommandLine.Mixin DataOptions data = new DataOptions();
        @Option(names = "--weights", required = true) Path weights;
        @Option(names = "--out", required = true, paramLabel = "Y.npy") Path out;

        @Override public Integer call() {
            NdArray[] xy = data.load(false);
            Model m = open(weights);
            NdArray y = m.predict(xy[0], batch(m));
            Npy.write(out, y);
            System.out.println("saved " + out + " " + y.shapeString());
            return 0;
        }
    }

    @Command(name = "gradients", description = "Loss gradients of the weights for all samples as one batch.")
    static final class Gradients extends Common implements Callable<Integer> {
        @CommandLine.Mixin DataOptions data = new DataOptions();
        @Option(names = "--weights", required = true) Path weights;
        @Option(names = "--out", required = true, paramLabel = "G.safetensors") Path out;

        @Override public Integer call() {
            NdArray[] xy = data.load(true);
            Model m = open(weights);
            SafeTensors.write(out, m.gradients(xy[0], xy[1]), Map.of("model", m.name()));
            System.out.println("saved " + out);
            return 0;
        }
    }

    @Command(name = "summary", description = "The model's summary table.")
    static final class Summary implements Callable<Integer> {
        @Override public Integer call() throws IOException {
            try (InputStream in = TrainerMain.class.getClassLoader().getResourceAsStream("seq/summary.txt")) {
                if (in == null) throw new UserError("this jar carries no summary");
                System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return 0;
        }
    }
}

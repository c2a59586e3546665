package seq.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npy;
import seq.runtime.io.Npz;
import seq.runtime.io.SafeTensors;

/**
 * The trainer jar as users run it, in a separate JVM: its commands, its one-line errors for bad
 * input (with nothing already saved destroyed), resuming a killed run, and the Java API example
 * of the README.
 */
class TrainerJarTest {
    @TempDir static Path dir;
    static Path jar;
    static NdArray x, y;

    @BeforeAll static void build() throws Exception {
        jar = Trainers.build("forecast.seq", dir);
        NdArray[] d = ExampleData.series(2, 96, 40, 10, true, 11);
        x = d[0];
        y = d[1];
        Npy.write(dir.resolve("x.npy"), x);
        Npy.write(dir.resolve("y.npy"), y);
    }

    record Run(int status, String out, String err) {}

    static Run java(List<String> args, Path cwd) throws Exception {
        return java(args, cwd, Map.of());
    }

    static Run java(List<String> args, Path cwd, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(args);
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + command);
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Run trainer(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-jar", jar.toString()));
        all.addAll(Arrays.asList(args));
        return java(all, dir);
    }

    /**
     * A failure is one line on stderr, no stack trace, a non-zero exit. Aparapi's native library prints
     * one warning of its own when it meets an OpenCL 3.0 platform such as PoCL's; that line is not ours.
     */
    static String failsWithOneLine(Run r) {
        assertTrue(r.status() != 0, "expected failure, got: " + r.out());
        String err = r.err().replaceAll("(?m)^WARNING: Aparapi is running on an untested OpenCL platform version: .*\n", "").strip();
        assertFalse(err.contains("\n") || err.contains("Exception") || err.contains("\tat "), "not one clean line:\n" + r.err());
        assertTrue(err.startsWith("error: "), err);
        return err;
    }

    @Test void fitPredictEvaluateAndGradients() throws Exception {
        Run fit = trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "2", "--out", "w.safetensors", "--log", "log.csv");
        assertEquals(0, fit.status(), fit.err());
        assertTrue(fit.out().matches("(?s)(notice: [^\n]*\n)?device: (jvm[^\n]*|opencl — [^\n]+)\nEpoch 1/2\n.*"), fit.out());
        assertTrue(fit.out().contains("Epoch 2/2") && fit.out().contains(" - loss: "), fit.out());
        assertFalse(fit.out().contains("\r"), "no carriage returns when output is not a terminal");
        assertEquals(3, Files.readAllLines(dir.resolve("log.csv")).size());
        Run predict = trainer("predict", "--weights", "w.safetensors", "--x", "x.npy", "--out", "p.npy");
        assertEquals(0, predict.status(), predict.err());
        assertArrayEquals(new long[] {96, 10, 2}, Npy.read(dir.resolve("p.npy")).shape());
        Run evaluate = trainer("evaluate", "--weights", "w.safetensors", "--x", "x.npy", "--y", "y.npy");
        assertTrue(evaluate.out().contains("loss: "), evaluate.out());
        Run grads = trainer("gradients", "--weights", "w.safetensors", "--x", "x.npy", "--y", "y.npy", "--out", "g.safetensors");
        assertEquals(0, grads.status(), grads.err());
        Map<String, NdArray> g = SafeTensors.read(dir.resolve("g.safetensors")).tensors();
        assertEquals(java.util.Set.of("lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "lstm_1/kernel", "lstm_1/recurrent_kernel",
            "lstm_1/bias", "lstm_2/kernel", "lstm_2/recurrent_kernel", "lstm_2/bias", "dense/kernel", "dense/bias"), g.keySet());
        assertArrayEquals(new long[] {2, 48}, g.get("lstm/kernel").shape());
        assertTrue(trainer("summary").out().contains("Total params: 2,516"));
    }

    @Test void wrongShapedDataNamesBothShapesAndTheModelLine() throws Exception {
        Npy.write(dir.resolve("x3.npy"), NdArray.ofFloats(new long[] {4, 40, 3}, new float[4 * 40 * 3]));
        String err = failsWithOneLine(trainer("fit", "--x", "x3.npy", "--y", "y.npy"));
        assertTrue(err.contains("(4, 40, 3)") && err.contains("[batch, 40, 2]") && err.contains("forecast.seq line 2"), err);
        Npy.write(dir.resolve("y5.npy"), NdArray.ofFloats(new long[] {96, 5, 2}, new float[96 * 10]));
        err = failsWithOneLine(trainer("fit", "--x", "x.npy", "--y", "y5.npy"));
        assertTrue(err.contains("(96, 5, 2)") && err.contains("(96, 10, 2)"), err);
    }

    @Test void badFilesAreOneLineErrorsAndSavedWeightsSurvive() throws Exception {
        Files.writeString(dir.resolve("keep.safetensors"), "precious");
        byte[] good = Files.readAllBytes(dir.resolve("x.npy"));
        Files.write(dir.resolve("cut.npy"), Arrays.copyOf(good, good.length / 2));
        assertTrue(failsWithOneLine(trainer("fit", "--x", "cut.npy", "--y", "y.npy", "--out", "keep.safetensors")).contains("cut.npy"));
        assertTrue(failsWithOneLine(trainer("fit", "--x", "missing.npy", "--y", "y.npy")).contains("missing.npy"));
        float[] nan = x.floats();
        nan[5] = Float.NaN;
        Npy.write(dir.resolve("nan.npy"), NdArray.ofFloats(x.shape(), nan));
        assertTrue(failsWithOneLine(trainer("fit", "--x", "nan.npy", "--y", "y.npy", "--out", "keep.safetensors")).contains("NaN"));
        float[] huge = y.floats();
        Arrays.fill(huge, 3e38f);
        Npy.write(dir.resolve("huge.npy"), NdArray.ofFloats(y.shape(), huge));
        String err = failsWithOneLine(trainer("fit", "--x", "x.npy", "--y", "huge.npy", "--out", "keep.safetensors"));
        assertTrue(err.contains("epoch 1, batch 1"), err);
        assertEquals("precious", Files.readString(dir.resolve("keep.safetensors")));

        Run fit = trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "1", "--out", "w1.safetensors");
        assertEquals(0, fit.status(), fit.err());
        byte[] weights = Files.readAllBytes(dir.resolve("w1.safetensors"));
        Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(weights, weights.length - 7));
        assertTrue(failsWithOneLine(trainer("predict", "--weights", "cut.safetensors", "--x", "x.npy", "--out", "p.npy")).contains("cut.safetensors"));
        Path other = Trainers.build("stacked_lstm.seq", dir);
        Run otherFit = java(List.of("-jar", other.toString(), "fit", "--data", ExamplesTest.ROOT.resolve("data/stacked_lstm.npz").toString(),
            "--epochs", "1", "--out", "other.safetensors"), dir);
        assertEquals(0, otherFit.status(), otherFit.err());
        err = failsWithOneLine(trainer("predict", "--weights", "other.safetensors", "--x", "x.npy", "--out", "p.npy"));
        assertTrue(err.contains("lstm/kernel") && err.contains("(1, 48)") && err.contains("(2, 48)"), err);
    }

    /**
     * The trainer restarts its JVM with the Vector API module, invisibly: options from JAVA_TOOL_OPTIONS
     * apply once (the JVM says it picked them up once), the incubator notice is not shown, and the output is
     * what one JVM without the Vector API (-Dseq.vector=false) prints.
     */
    @Test void theVectorApiRelaunchIsInvisible() throws Exception {
        Run relaunched = java(List.of("-jar", jar.toString(), "summary"), dir, Map.of("JAVA_TOOL_OPTIONS", "-Dseq.test=1"));
        assertEquals(0, relaunched.status(), relaunched.err());
        assertEquals(1, relaunched.err().split("Picked up JAVA_TOOL_OPTIONS", -1).length - 1, relaunched.err());
        assertFalse(relaunched.err().contains("incubator"), relaunched.err());
        Run single = java(List.of("-Dseq.vector=false", "-jar", jar.toString(), "summary"), dir);
        assertEquals(0, single.status(), single.err());
        assertEquals(single.out(), relaunched.out());
    }

    /** With no OpenCL platform (the ICD loader pointed at an empty folder), opencl fails cleanly and auto runs on the JVM. */
    @Test void withoutOpenClTheDeviceChoiceSaysSo() throws Exception {
        Path none = Files.createDirectories(dir.resolve("no-icds"));
        Map<String, String> env = Map.of("OCL_ICD_VENDORS", none.toString());
        List<String> fit = List.of("-jar", jar.toString(), "fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "1", "--out", "n.safetensors");
        List<String> opencl = new ArrayList<>(fit);
        opencl.addAll(List.of("--device", "opencl"));
        String err = failsWithOneLine(java(opencl, dir, env));
        assertTrue(err.contains("--device opencl") && err.contains("pocl-opencl-icd") && err.contains("--device jvm"), err);
        Run auto = java(fit, dir, env);
        assertEquals(0, auto.status(), auto.err());
        assertTrue(auto.out().startsWith("device: jvm"), auto.out());
        List<String> unknown = new ArrayList<>(fit);
        unknown.addAll(List.of("--device", "gpu"));
        assertTrue(failsWithOneLine(java(unknown, dir)).contains("unknown device `gpu`"));
    }

    /** The same training run on OpenCL and on the JVM ends at the same loss (float32 rounding apart). */
    @Test void trainingOnOpenClReachesTheJvmLoss() throws Exception {
        OpenCl.require();
        List<String> fit = List.of("-jar", jar.toString(), "fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "3", "--seed", "5");
        Run jvm = java(with(fit, "--device", "jvm", "--out", "jvm.safetensors"), dir);
        Run ocl = java(with(fit, "--device", "opencl", "--out", "ocl.safetensors"), dir);
        assertEquals(0, jvm.status(), jvm.err());
        assertEquals(0, ocl.status(), ocl.err());
        assertTrue(ocl.out().startsWith("device: opencl — "), ocl.out());
        double a = finalLoss(jvm.out()), b = finalLoss(ocl.out());
        assertTrue(Math.abs(a - b) <= 1e-3 * Math.abs(a), "loss " + b + " on OpenCL, " + a + " on the JVM");
        Map<String, NdArray> wa = SafeTensors.read(dir.resolve("jvm.safetensors")).tensors();
        Map<String, NdArray> wb = SafeTensors.read(dir.resolve("ocl.safetensors")).tensors();
        for (String name : wa.keySet()) {
            float[] p = wa.get(name).floats(), q = wb.get(name).floats();
            for (int i = 0; i < p.length; i++) assertEquals(p[i], q[i], 1e-3, name + "[" + i + "]");
        }
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(Arrays.asList(more));
        return all;
    }

    /** The loss on the trainer's last line, `saved FILE - loss: 0.1234 - ...`. */
    private static double finalLoss(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("saved \\S+ - loss: ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test void aKilledRunResumesToTheSameWeights() throws Exception {
        Run whole = trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "6", "--seed", "3", "--out", "whole.safetensors");
        assertEquals(0, whole.status(), whole.err());
        Path checkpoint = dir.resolve("cut.safetensors.ckpt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "fit",
            "--x", "x.npy", "--y", "y.npy", "--epochs", "6", "--seed", "3", "--out", "cut.safetensors")
            .directory(dir.toFile()).redirectOutput(dir.resolve("killed.txt").toFile()).redirectErrorStream(true).start();
        while (!Files.exists(checkpoint) && p.isAlive()) Thread.sleep(20);
        p.destroyForcibly().waitFor();
        assertTrue(Files.exists(checkpoint), "no checkpoint was written before the kill");
        Run resumed = trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "6", "--seed", "3", "--out", "cut.safetensors", "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("resuming after epoch"), resumed.out());
        Map<String, NdArray> a = SafeTensors.read(dir.resolve("whole.safetensors")).tensors();
        Map<String, NdArray> b = SafeTensors.read(dir.resolve("cut.safetensors")).tensors();
        assertEquals(a, b, "a resumed run must end with exactly the weights of an uninterrupted one");
        // A weights file is not a checkpoint: one line, and the file is left alone.
        byte[] weights = Files.readAllBytes(dir.resolve("whole.safetensors"));
        String err = failsWithOneLine(trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "6", "--out", "other.safetensors",
            "--checkpoint", "whole.safetensors", "--resume"));
        assertTrue(err.contains("whole.safetensors is not a checkpoint of model Forecast") && err.contains("iterations"), err);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("whole.safetensors")));
    }

    @Test void readmeJavaApiExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(ExamplesTest.ROOT.resolve("../README.md").normalize(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- java-api -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README has no java-api example");
        Path src = dir.resolve("api/Forecasting.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, m.group(1));
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", jar.toString(), "-d", src.getParent().toString(), src.toString());
        assertEquals(0, status, "the README example does not compile");
        Run fit = trainer("fit", "--x", "x.npy", "--y", "y.npy", "--epochs", "1", "--out", "api.safetensors");
        assertEquals(0, fit.status(), fit.err());
        Npz.write(dir.resolve("api.npz"), Map.of("x", x, "y", y));
        Run run = java(List.of("-cp", jar + java.io.File.pathSeparator + src.getParent(), "Forecasting", "api.safetensors", "api.npz"), dir);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(96, 10, 2)"), run.out());
    }


    @Test void csvWindowsValidationSplitAndEarlyStopping() throws Exception {
        Path single = Trainers.build("stacked_lstm.seq", dir);
        StringBuilder csv = new StringBuilder("value\n");
        // Pure noise: nothing generalises, so the validation loss stops improving within a few epochs.
        java.util.Random noise = new java.util.Random(5);
        for (int t = 0; t < 400; t++) csv.append(noise.nextGaussian()).append('\n');
        Files.writeString(dir.resolve("series.csv"), csv);
        Run fit = java(List.of("-jar", single.toString(), "fit", "--csv", "series.csv", "--window", "40", "--horizon", "10",
            "--epochs", "30", "--validation-split", "0.25", "--patience", "1", "--out", "csv.safetensors"), dir);
        assertEquals(0, fit.status(), fit.err());
        assertTrue(fit.out().contains("val_loss: "), fit.out());
        assertTrue(fit.out().contains("early stopping"), "patience 1 over 30 epochs of noise should stop early:\n" + fit.out());
        Files.writeString(dir.resolve("short.csv"), "1\n2\n3\n");
        String err = failsWithOneLine(java(List.of("-jar", single.toString(), "fit", "--csv", "short.csv", "--window", "40"), dir));
        assertTrue(err.contains("short.csv has 3 values"), err);
    }

    @Test void seqcRunBuildsAndTrainsOnTheShippedData() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        Path cwd = dir.resolve("run");
        Files.createDirectories(cwd);
        String saved = System.getProperty("user.dir");
        int status;
        // `seqc run` writes build/ under the working directory and starts the trainer as a child JVM.
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "seq.compiler.cli.Main", "run",
            ExamplesTest.ROOT.resolve("forecast.seq").toString(), "--epochs", "1").directory(cwd.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        status = p.waitFor();
        assertEquals(saved, System.getProperty("user.dir"));
        assertEquals(0, status, text);
        assertTrue(text.contains("Epoch 1/1") && text.contains("sample ") && text.contains("target ["), text);
        assertTrue(Files.exists(cwd.resolve("build/forecast.safetensors")));
    }
}

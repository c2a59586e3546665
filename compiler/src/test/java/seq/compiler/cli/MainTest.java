package seq.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import seq.compiler.Sources;

/** The command line as users call it: exit statuses, output streams, and no stack traces. */
class MainTest {
    @TempDir Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run seqc(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private String example(String name) {
        return Sources.EXAMPLES.resolve(name).toString();
    }

    @Test void checkExitsZeroOnCleanFilesAndOneOnErrors() {
        assertEquals(0, seqc("check", example("forecast.seq"), example("stacked_lstm.seq")).status());
        Run bad = seqc("check", example("errors/lstm_after_lstm.seq"));
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("error[S0302]"), bad.err());
        assertTrue(bad.err().contains("1 error in"), bad.err());
    }

    @Test void checkJsonListsEveryDiagnostic() {
        Run r = seqc("check", "--json", example("errors/bad_arguments.seq"));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("[") && r.out().trim().endsWith("]"), r.out());
        assertEquals(7, r.out().split("\"code\"", -1).length - 1, r.out());
        assertTrue(r.out().contains("\"help\": \"did you mean `activation`?\""), r.out());
        assertEquals("[]", seqc("check", "--json", example("forecast.seq")).out().trim());
    }

    @Test void summaryPrintsKerasTableAndJson() {
        Run r = seqc("summary", example("stacked_lstm.seq"));
        assertEquals(0, r.status());
        assertTrue(r.out().contains("│ lstm_2 (LSTM)                   │ (batch, 6)             │           456 │"), r.out());
        assertTrue(r.out().contains(" Total params: 2,398 (9.37 KB)"), r.out());
        Run json = seqc("summary", "--json", example("conv_lstm_forecaster.seq"));
        assertTrue(json.out().contains("\"output_shape\": [\"batch\", \"T\", 32]"), json.out());
        assertTrue(json.out().contains("\"total_params\": 60319"), json.out());
    }

    @Test void explainDerivesTheConvOutput() {
        Run r = seqc("explain", example("conv1d_features.seq"));
        assertEquals(0, r.status());
        assertTrue(r.out().contains("128 - 10 + 1 = 119 steps"), r.out());
        assertTrue(r.out().contains("kernel 10 × 9 × 100 = 9,000"), r.out());
        assertTrue(r.out().contains("params: 9,000 + 100 = 9,100"), r.out());
    }

    @Test void modelOptionPicksAModel() throws Exception {
        Path f = tmp.resolve("two.seq");
        Files.writeString(f, "model A(x: [batch, 3]) {\n    Dense(2)\n}\nmodel B(x: [batch, 3]) {\n    Dense(5)\n}\n");
        assertTrue(seqc("summary", f.toString(), "--model", "B").out().contains("(batch, 5)"));
        Run missing = seqc("summary", f.toString(), "--model", "C");
        assertEquals(2, missing.status());
        assertEquals("error: `" + f + "` has no model `C`; it has A, B\n", missing.err());
    }

    @Test void unreadableInputIsOneLineNoStackTrace() throws Exception {
        Run r = seqc("check", tmp.resolve("nope.seq").toString());
        assertEquals(2, r.status());
        assertEquals("error: cannot read `" + tmp.resolve("nope.seq") + "`: no such file\n", r.err());
        Path binary = tmp.resolve("bin.seq");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        Run b = seqc("check", binary.toString());
        assertEquals(2, b.status());
        assertFalse(b.err().contains("Exception"), b.err());
    }

    @Test void usageErrorsExitTwo() {
        assertEquals(2, seqc("frobnicate").status());
        assertEquals(2, seqc().status());
        assertEquals(2, seqc("summary").status());
    }

    @Test void buildWritesAJarAndDumpsTheIr() throws Exception {
        Path jar = tmp.resolve("stacked.jar");
        Run r = seqc("build", example("stacked_lstm.seq"), "-o", jar.toString(), "--dump-ir");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("forward StackedLSTM") && r.out().contains("= matmul(%x, %lstm/kernel)")
            && r.out().contains("= lstm(%lstm/xw") && r.out().contains("backward") && r.out().contains("lstm_d("), r.out());
        // A recurrence's gates and input gradient live in its input product's buffer, and the dump says so.
        assertTrue(r.out().contains("shared buffers\n  %lstm/z, %d_lstm/xw in %lstm/xw\n"), r.out());
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            assertEquals("seq.runtime.cli.TrainerMain", j.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(j.getEntry("seq/gen/StackedLSTM32.class") != null && j.getEntry("seq/model.txt") != null);
            // The OpenCL kernels, and Aparapi to run them.
            assertTrue(j.getEntry("seq/gen/StackedLSTM32_Device.class") != null && j.getEntry("com/aparapi/Kernel.class") != null
                && j.getEntry("linux/libaparapi_x86_64.so") != null);
        }
    }

    @Test void aModelWithoutWeightsBuilds() throws Exception {
        Path f = tmp.resolve("pool.seq");
        Files.writeString(f, "model P(x: [batch, 8, 2]) {\n    MaxPooling1D()\n}\n");
        Run r = seqc("build", f.toString(), "-o", tmp.resolve("pool.jar").toString());
        assertEquals(0, r.status(), r.err());
    }
}

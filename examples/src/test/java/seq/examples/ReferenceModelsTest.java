package seq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import seq.compiler.Frontend;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.Node;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;

/**
 * The six reference models of LANGUAGE.md, checked against the shapes and parameter counts the
 * contract writes out (numbers copied from the contract, which are Keras's own).
 */
class ReferenceModelsTest {
    private static CheckedModel model(String file) throws Exception {
        Frontend.Result r = ExamplesTest.compile(Path.of(file).toAbsolutePath());
        assertFalse(r.diagnostics().hasErrors(), () -> file + " has errors");
        return r.models().get(0);
    }

    private static void expect(CheckedModel m, List<String> shapes, List<Long> params, long total) {
        List<Node> layers = m.layers();
        assertEquals(shapes, layers.stream().map(n -> n.type().keras()).toList());
        assertEquals(params, layers.stream().map(n -> n.out().params(true) + n.out().params(false)).toList());
        assertEquals(total, m.params(true) + m.params(false));
    }

    @Test void stackedLstm() throws Exception {
        expect(model("stacked_lstm.seq"),
            List.of("(batch, 40, 12)", "(batch, 40, 12)", "(batch, 6)", "(batch, 10)"),
            List.of(672L, 1200L, 456L, 70L), 2398);
    }

    @Test void twoSeries() throws Exception {
        expect(model("forecast.seq"),
            List.of("(batch, 40, 12)", "(batch, 40, 12)", "(batch, 6)", "(batch, 20)", "(batch, 10, 2)"),
            List.of(720L, 1200L, 456L, 140L, 0L), 2516);
    }

    @Test void timeDistributedWithInterleavingWarnings() throws Exception {
        Frontend.Result r = ExamplesTest.compile(Path.of("time_distributed.seq").toAbsolutePath());
        expect(r.models().get(0),
            List.of("(batch, 2, 40, 1)", "(batch, 2, 40, 12)", "(batch, 2, 40, 12)", "(batch, 2, 6)", "(batch, 2, 10)", "(batch, 10, 2)"),
            List.of(0L, 672L, 1200L, 456L, 70L, 0L), 2398);
        List<Diagnostic> warnings = r.diagnostics().sorted();
        assertEquals(2, warnings.size());
        for (Diagnostic w : warnings) {
            assertEquals(Code.S0902, w.code());
            assertTrue(w.help().contains("Permute(2, 1)"), w.help());
        }
    }

    @Test void convLstmForecasterKeepsT() throws Exception {
        expect(model("conv_lstm_forecaster.seq"),
            List.of("(batch, T, 32)", "(batch, T, 64)", "(batch, T, 64)", "(batch, T, 30)", "(batch, T, 10)", "(batch, T, 1)", "(batch, T, 1)"),
            List.of(192L, 24832L, 33024L, 1950L, 310L, 11L, 0L), 60319);
    }

    @Test void convOverNineFeatures() throws Exception {
        CheckedModel m = model("conv1d_features.seq");
        assertEquals("(batch, 119, 100)", m.layers().get(0).type().keras());
        assertEquals(9100, m.layers().get(0).out().params(true));
    }

    @Test void wideConvolutionalClassifier() throws Exception {
        CheckedModel m = model("wide_conv_classifier.seq");
        List<Node> layers = m.layers();
        assertEquals(List.of(2592L, 3872L, 5152L, 6432L), layers.subList(0, 4).stream().map(n -> n.out().params(true)).toList());
        assertEquals("(batch, 72, 128)", layers.get(4).type().keras());
        assertEquals(1290, layers.get(6).out().params(true));
        assertEquals(19338, m.params(true));
    }
}

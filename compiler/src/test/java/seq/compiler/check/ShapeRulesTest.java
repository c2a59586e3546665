package seq.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.diag.Diagnostic;

/**
 * Output shapes and parameter counts of each layer kind, against Keras 3's formulas worked by hand:
 * LSTM 4u(d+u+1), GRU (reset_after) 3u(d+u+2), SimpleRNN u(d+u+1), Conv1D k·d·f+f, Embedding v·w.
 */
class ShapeRulesTest {
    /** The output type and params of the single layer in `model M(x: INPUT) { LAYER }`. */
    private static String layer(String input, String layer) {
        Frontend.Result r = Sources.compile("model M(x: " + input + ") {\n    " + layer + "\n}\n");
        List<Diagnostic> errors = r.diagnostics().sorted();
        if (!errors.isEmpty()) return errors.get(0).code() + ": " + errors.get(0).message();
        Node n = r.models().get(0).output();
        return n.type() + " " + (n.out().params(true) + n.out().params(false));
    }

    @Test void recurrent() {
        assertEquals("[batch, 12] 672", layer("[batch, 40, 1]", "LSTM(12)"));
        assertEquals("[batch, T, 8] " + 3 * 8 * (5 + 8 + 2), layer("[batch, T, 5]", "GRU(8, return_sequences=true)"));
        assertEquals("[batch, 8] " + 3 * 8 * (5 + 8 + 1), layer("[batch, T, 5]", "GRU(8, reset_after=false)"));
        assertEquals("[batch, 7] " + 7 * (3 + 7 + 1), layer("[batch, 10, 3]", "SimpleRNN(7)"));
        assertEquals("[batch, 7] " + 7 * (3 + 7), layer("[batch, 10, 3]", "SimpleRNN(7, use_bias=false)"));
        assertEquals("[batch, 10, 24] " + 2 * 4 * 12 * (3 + 12 + 1), layer("[batch, 10, 3]", "Bidirectional(LSTM(12, return_sequences=true))"));
        assertEquals("[batch, 12] " + 2 * 4 * 12 * (3 + 12 + 1), layer("[batch, 10, 3]", "Bidirectional(LSTM(12), merge_mode=\"sum\")"));
    }

    @Test void convolutionAndPooling() {
        assertEquals("[batch, 119, 100] 9100", layer("[batch, 128, 9]", "Conv1D(100, 10, activation=\"relu\")"));
        assertEquals("[batch, T - 9, 4] " + (10 * 2 * 4 + 4), layer("[batch, T, 2]", "Conv1D(4, 10)"));
        assertEquals("[batch, T, 4] 12", layer("[batch, T, 1]", "Conv1D(4, 2, padding=\"causal\")"));
        assertEquals("[batch, 50, 4] 12", layer("[batch, 100, 1]", "Conv1D(4, 2, strides=2, padding=\"same\")"));
        assertEquals("[batch, 50, 4] 12", layer("[batch, 100, 1]", "Conv1D(4, 2, strides=2)"));
        assertEquals("[batch, 32, 4] 24", layer("[batch, 100, 1]", "Conv1D(4, 5, strides=3)"));
        assertEquals("[batch, 94, 4] 12", layer("[batch, 100, 1]", "Conv1D(4, 2, dilation_rate=6)"));
        assertEquals("[batch, 50, 3] 0", layer("[batch, 100, 3]", "MaxPooling1D()"));
        assertEquals("[batch, 33, 3] 0", layer("[batch, 100, 3]", "AveragePooling1D(pool_size=3)"));
        assertEquals("[batch, 34, 3] 0", layer("[batch, 100, 3]", "AveragePooling1D(3, padding=\"same\")"));
        assertEquals("[batch, 49, 3] 0", layer("[batch, 100, 3]", "MaxPooling1D(4, strides=2)"));
        assertEquals("[batch, 3] 0", layer("[batch, T, 3]", "GlobalAveragePooling1D()"));
        assertEquals("[batch, 1, 3] 0", layer("[batch, T, 3]", "GlobalMaxPooling1D(keepdims=true)"));
    }

    @Test void symbolicPoolingLengthsEqualTheirFormula() {
        Frontend.Result r = Sources.compile("model M(x: [batch, T, 3]) -> [batch, floor((T - 4) / 2) + 1, 3] {\n    MaxPooling1D(4, strides=2)\n}\n");
        assertEquals(List.of(), r.diagnostics().sorted());
    }

    @Test void reshapingLayers() {
        assertEquals("[batch, 120] 0", layer("[batch, 40, 3]", "Flatten()"));
        assertEquals("[batch, 3 * T] 0", layer("[batch, T, 3]", "Flatten()"));
        assertEquals("[batch, 3, 40] 0", layer("[batch, 40, 3]", "Permute((2, 1))"));
        assertEquals("[batch, 5, 8] 0", layer("[batch, 8]", "RepeatVector(5)"));
        assertEquals("[batch, 10, 2] 0", layer("[batch, 20]", "Reshape((10, 2))"));
        assertEquals("[batch, 4, 5] 0", layer("[batch, 20]", "Reshape(-1, 5)"));
    }

    @Test void elementWiseAndEmbedding() {
        assertEquals("[batch, T, 3] 0", layer("[batch, T, 3]", "Dropout(0.5)"));
        assertEquals("[batch, T, 3] 0", layer("[batch, T, 3]", "Activation(\"gelu\")"));
        assertEquals("[batch, T, 3] 0", layer("[batch, T, 3]", "Lambda(v -> max(v, 0) * pow(v, 2) + exp(-v))"));
        assertEquals("[batch, T, 16] 16000", layer("i32[batch, T]", "Embedding(1000, 16)"));
        assertEquals("[batch, 10, 5] " + (3 * 5 + 5), layer("[batch, 10, 3]", "TimeDistributed(Dense(5))"));
        assertEquals("[batch, 4] 16", layer("[batch, 3]", "Dense(4)"));
        assertEquals("[batch, 4] 12", layer("[batch, 3]", "Dense(4, use_bias=false)"));
    }

    @Test void wrongInputsAreCoded() {
        assertEquals("S0308", layer("[batch, T]", "Embedding(10, 4)").substring(0, 5));
        assertEquals("S0308", layer("i32[batch, T]", "Dense(4)").substring(0, 5));
        assertEquals("S0301", layer("[batch, T]", "Dense(4)").substring(0, 5));
        assertEquals("S0203", layer("[batch, 4, 3]", "Permute(1, 1)").substring(0, 5));
        assertEquals("S0202", layer("[batch, 4, 3]", "Bidirectional(Dense(3))").substring(0, 5));
        assertEquals("S0307", layer("[batch, 4, 3]", "Add()").substring(0, 5));
    }

    @Test void kerasAutoNames() {
        Frontend.Result r = Sources.compile("model M(x: [batch, 10, 3]) {\n    SimpleRNN(4, return_sequences=true)\n"
            + "    MaxPooling1D()\n    TimeDistributed(Dense(2))\n    GlobalMaxPooling1D()\n    Dense(2)\n}\n");
        assertEquals(List.of("simple_rnn", "max_pooling1d", "time_distributed", "global_max_pooling1d", "dense_1"),
            r.models().get(0).layers().stream().map(n -> n.layer().name()).toList());
    }
}

package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npy;
import seq.runtime.model.Net32;
import seq.runtime.model.Net64;

/**
 * The generated forward pass against an independent NumPy implementation of Keras 3's semantics,
 * on fixed inputs and weights: src/test/resources/reference/make_reference.py writes, per case,
 * x.npy, the weights (named as Keras names them, '/' spelled '__') and the expected output y.npy.
 * The model source of each case below must describe exactly the layers the script's case runs; the sizes the
 * input names (batch, T) are read off x.npy, which holds int32 ids for an Embedding input.
 * float64 must agree to 1e-9, float32 to 1e-4 (absolute, or relative to the expected value).
 */
class ReferenceTest {
    private static final double F64_TOLERANCE = 1e-9, F32_TOLERANCE = 1e-4;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // LSTM: tanh / sigmoid unless stated; go_backwards returns the sequence in processing order.
        cases.add(oneLayer("lstm_last", 3, "LSTM(4)"));
        cases.add(oneLayer("lstm_sequences", 2, "LSTM(3, return_sequences=true)"));
        cases.add(oneLayer("lstm_backwards_sequences", 3, "LSTM(3, return_sequences=true, go_backwards=true)"));
        cases.add(oneLayer("lstm_backwards_last", 2, "LSTM(4, go_backwards=true)"));
        cases.add(oneLayer("lstm_relu_hard_sigmoid", 3,
            "LSTM(4, return_sequences=true, activation=\"relu\", recurrent_activation=\"hard_sigmoid\")"));
        cases.add(oneLayer("lstm_no_bias", 3, "LSTM(3, return_sequences=true, use_bias=false)"));
        // Conv1D: padding valid / same / causal, strides 2, dilation 2.
        cases.add(oneLayer("conv1d_valid", 3, "Conv1D(4, 3)"));
        cases.add(oneLayer("conv1d_same", 3, "Conv1D(4, 3, padding=\"same\")"));
        cases.add(oneLayer("conv1d_same_even_kernel", 2, "Conv1D(3, 4, padding=\"same\")"));
        cases.add(oneLayer("conv1d_causal", 3, "Conv1D(4, 3, padding=\"causal\", activation=\"tanh\")"));
        cases.add(oneLayer("conv1d_valid_stride2", 2, "Conv1D(3, 3, strides=2)"));
        cases.add(oneLayer("conv1d_same_stride2_odd", 2, "Conv1D(3, 4, strides=2, padding=\"same\")"));
        cases.add(oneLayer("conv1d_same_stride2_even", 2, "Conv1D(3, 3, strides=2, padding=\"same\")"));
        cases.add(oneLayer("conv1d_causal_stride2", 2, "Conv1D(3, 3, strides=2, padding=\"causal\")"));
        cases.add(oneLayer("conv1d_causal_dilation2", 2, "Conv1D(3, 2, dilation_rate=2, padding=\"causal\", use_bias=false)"));
        cases.add(oneLayer("conv1d_valid_dilation2", 3, "Conv1D(2, 3, dilation_rate=2, activation=\"relu\")"));
        cases.add(oneLayer("conv1d_same_dilation2", 2, "Conv1D(3, 3, dilation_rate=2, padding=\"same\")"));
        // Dense with each activation (gelu is below: it is disabled).
        for (String act : List.of("linear", "relu", "tanh", "sigmoid", "softmax", "elu", "softplus", "swish", "hard_sigmoid")) {
            cases.add(Arguments.of("dense_" + act, dense(act)));
        }
        // Fixed sizes instead of symbols, and a rank-3 input.
        cases.add(Arguments.of("dense_rank3_no_bias", "model M(x: [2, 5, 3]) -> [2, 5, 4] {\n Dense(4, use_bias=false)\n}\n"));
        cases.add(Arguments.of("stacked_conv_lstm_dense", "model M(x: [batch, T, 2]) -> [batch, T, 2] {\n"
            + " Conv1D(4, 3, padding=\"causal\", activation=\"relu\")\n"
            + " LSTM(5, return_sequences=true)\n"
            + " Dense(2)\n"
            + "}\n"));
        // GRU: reset_after=true (the Keras 3 default, bias (2, 3 * units)) and false (bias (3 * units)).
        cases.add(oneLayer("gru_last", 3, "GRU(4)"));
        cases.add(oneLayer("gru_sequences", 2, "GRU(3, return_sequences=true)"));
        cases.add(oneLayer("gru_backwards_sequences", 3, "GRU(3, return_sequences=true, go_backwards=true)"));
        cases.add(oneLayer("gru_backwards_last", 2, "GRU(4, go_backwards=true)"));
        cases.add(oneLayer("gru_no_bias", 3, "GRU(3, return_sequences=true, use_bias=false)"));
        cases.add(oneLayer("gru_reset_before_last", 3, "GRU(4, reset_after=false)"));
        cases.add(oneLayer("gru_reset_before_sequences", 2, "GRU(3, reset_after=false, return_sequences=true)"));
        cases.add(oneLayer("gru_reset_before_backwards_sequences", 3,
            "GRU(3, reset_after=false, return_sequences=true, go_backwards=true)"));
        cases.add(oneLayer("gru_reset_before_no_bias", 3, "GRU(4, reset_after=false, use_bias=false)"));
        cases.add(oneLayer("gru_relu_hard_sigmoid", 3,
            "GRU(4, return_sequences=true, activation=\"relu\", recurrent_activation=\"hard_sigmoid\")"));
        // SimpleRNN: tanh and relu.
        cases.add(oneLayer("simple_rnn_last", 3, "SimpleRNN(4)"));
        cases.add(oneLayer("simple_rnn_sequences", 2, "SimpleRNN(3, return_sequences=true)"));
        cases.add(oneLayer("simple_rnn_backwards_sequences", 3, "SimpleRNN(3, return_sequences=true, go_backwards=true)"));
        cases.add(oneLayer("simple_rnn_backwards_last", 2, "SimpleRNN(4, go_backwards=true)"));
        cases.add(oneLayer("simple_rnn_relu_sequences", 3, "SimpleRNN(4, activation=\"relu\", return_sequences=true)"));
        cases.add(oneLayer("simple_rnn_relu_backwards_last", 3, "SimpleRNN(3, activation=\"relu\", go_backwards=true)"));
        cases.add(oneLayer("simple_rnn_relu_no_bias", 2, "SimpleRNN(3, activation=\"relu\", return_sequences=true, use_bias=false)"));
        // Bidirectional: the backward copy's output is flipped back into input order when sequences are returned.
        cases.add(oneLayer("bidirectional_lstm_concat_sequences", 3, "Bidirectional(LSTM(3, return_sequences=true))"));
        cases.add(oneLayer("bidirectional_lstm_concat_last", 3, "Bidirectional(LSTM(4))"));
        cases.add(oneLayer("bidirectional_gru_sum_last", 3, "Bidirectional(GRU(3), merge_mode=\"sum\")"));
        cases.add(oneLayer("bidirectional_gru_sum_sequences", 2, "Bidirectional(GRU(3, return_sequences=true), merge_mode=\"sum\")"));
        cases.add(oneLayer("bidirectional_simple_rnn_ave_sequences", 3,
            "Bidirectional(SimpleRNN(3, return_sequences=true), merge_mode=\"ave\")"));
        cases.add(oneLayer("bidirectional_gru_reset_before_mul_last", 2, "Bidirectional(GRU(3, reset_after=false), merge_mode=\"mul\")"));
        // TimeDistributed over [batch, 2, T, 1].
        cases.add(Arguments.of("time_distributed_dense", "model M(x: [batch, 2, T, 1]) {\n TimeDistributed(Dense(3))\n}\n"));
        cases.add(Arguments.of("time_distributed_lstm_last", "model M(x: [batch, 2, T, 1]) {\n TimeDistributed(LSTM(3))\n}\n"));
        cases.add(Arguments.of("time_distributed_lstm_sequences",
            "model M(x: [batch, 2, T, 1]) {\n TimeDistributed(LSTM(3, return_sequences=true))\n}\n"));
        // Pooling: strides default to pool_size; "same" ignores the padded steps (max) and leaves them out of the count (average).
        for (String layer : List.of("MaxPooling1D", "AveragePooling1D")) {
            String prefix = layer.equals("MaxPooling1D") ? "max_pooling1d_" : "average_pooling1d_";
            cases.add(oneLayer(prefix + "valid_stride2", 3, layer + "(2)"));
            cases.add(oneLayer(prefix + "valid_stride1", 2, layer + "(3, strides=1)"));
            cases.add(oneLayer(prefix + "same_stride2", 3, layer + "(3, strides=2, padding=\"same\")"));
            cases.add(oneLayer(prefix + "same_stride2_default", 2, layer + "(2, padding=\"same\")"));
            cases.add(oneLayer(prefix + "same_stride1", 3, layer + "(4, strides=1, padding=\"same\")"));
        }
        // Embedding over integer ids, then Dense; Permute and RepeatVector.
        cases.add(Arguments.of("embedding_dense", "model M(x: i32[batch, T]) {\n Embedding(6, 3)\n Dense(2)\n}\n"));
        cases.add(oneLayer("permute_2_1", 3, "Permute((2, 1))"));
        cases.add(Arguments.of("permute_3_1_2", "model M(x: [batch, 2, 3, 4]) -> [batch, 4, 2, 3] {\n Permute((3, 1, 2))\n}\n"));
        cases.add(Arguments.of("repeat_vector", "model M(x: [batch, 4]) -> [batch, 5, 4] {\n RepeatVector(5)\n}\n"));
        return cases.stream();
    }

    /** A one-layer model over [batch, T, features]. */
    private static Arguments oneLayer(String name, int features, String layer) {
        return Arguments.of(name, "model M(x: [batch, T, " + features + "]) {\n " + layer + "\n}\n");
    }

    private static String dense(String activation) {
        return "model M(x: [batch, 4]) -> [batch, 5] {\n Dense(5, activation=\"" + activation + "\")\n}\n";
    }

    @ParameterizedTest(name = "{0} float64")
    @MethodSource("cases")
    void float64MatchesReference(String name, String source) throws Exception {
        check(name, source, Emitter.Precision.F64, F64_TOLERANCE);
    }

    @ParameterizedTest(name = "{0} float32")
    @MethodSource("cases")
    void float32MatchesReference(String name, String source) throws Exception {
        check(name, source, Emitter.Precision.F32, F32_TOLERANCE);
    }

    @Test
    void denseGeluFloat64MatchesReference() throws Exception {
        check("dense_gelu", dense("gelu"), Emitter.Precision.F64, F64_TOLERANCE);
    }

    @Test
    void denseGeluFloat32MatchesReference() throws Exception {
        check("dense_gelu", dense("gelu"), Emitter.Precision.F32, F32_TOLERANCE);
    }

    private static void check(String name, String source, Emitter.Precision precision, double tolerance) throws Exception {
        NdArray x = load(name, "x.npy"), y = load(name, "y.npy");
        Map<String, Integer> sizes = sizes(source, x);
        Harness h = new Harness(source, sizes, precision);
        Map<String, Long> env = new HashMap<>();
        sizes.forEach((k, v) -> env.put(k, (long) v));

        List<Value> inputs = h.compiled.graph().inputs();
        assertEquals(1, inputs.size(), "one input");
        Map<Value, double[]> fill = new HashMap<>();
        fill.put(inputs.get(0), fixture(x, inputs.get(0), env, "x.npy"));
        Set<String> expectedFiles = new TreeSet<>(List.of("x.npy", "y.npy"));
        for (Value w : h.compiled.graph().weights()) {
            String file = w.name().replace("/", "__") + ".npy";
            expectedFiles.add(file);
            fill.put(w, fixture(load(name, file), w, env, file));
        }
        Set<String> present = filesOf(name);
        if (present != null) assertEquals(expectedFiles, present, name + ": the fixture's arrays are not the model's inputs and weights");

        Value out = h.compiled.graph().output();
        assertArrayEquals(y.shape(), shapeOf(out, env), name + ": output shape");
        double[] expected = y.doubles();
        double[] got;
        if (precision == Emitter.Precision.F64) {
            double[][] b = new double[h.lengths.length][];
            for (int i = 0; i < b.length; i++) b[i] = new double[h.lengths[i]];
            fill.forEach((v, data) -> System.arraycopy(data, 0, b[h.index(v)], 0, data.length));
            ((Net64) h.net).forward(b, h.dims);
            got = b[h.index(out)];
        } else {
            float[][] b = new float[h.lengths.length][];
            for (int i = 0; i < b.length; i++) b[i] = new float[h.lengths[i]];
            fill.forEach((v, data) -> {
                float[] dst = b[h.index(v)];
                for (int i = 0; i < data.length; i++) dst[i] = (float) data[i];
            });
            ((Net32) h.net).forward(b, h.dims);
            float[] o = b[h.index(out)];
            got = new double[o.length];
            for (int i = 0; i < o.length; i++) got[i] = o[i];
        }
        assertEquals(expected.length, got.length, name + ": output buffer length");
        StringBuilder failures = new StringBuilder();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(got[i] - expected[i]);
            worst = Math.max(worst, error / Math.max(1, Math.abs(expected[i])));
            if (!(error <= tolerance * Math.max(1, Math.abs(expected[i])))) {
                if (failures.length() < 2000) {
                    failures.append(String.format("  [%s] got %.12g, expected %.12g, error %.3e%n", index(i, y.shape()), got[i], expected[i], error));
                }
            }
        }
        assertTrue(failures.isEmpty(), name + " " + precision + ": output differs from the reference (tolerance " + tolerance
            + ", worst " + String.format("%.3e", worst) + "):\n" + failures + h.compiled.dump());
    }

    /** The model input's named sizes (batch, T), read off x.npy's shape where the input declares them. */
    private static Map<String, Integer> sizes(String source, NdArray x) {
        TensorType input = Sources.compile(source).models().get(0).inputs().get(0).type();
        assertEquals(input.rank(), x.rank(), "x.npy's rank is the input's");
        Map<String, Integer> sizes = new HashMap<>();
        for (int k = 0; k < input.rank(); k++) {
            Size d = input.dim(k);
            if (d.symbols().size() == 1) {
                String symbol = d.symbols().iterator().next();
                if (d.equals(Size.sym(symbol))) sizes.put(symbol, Math.toIntExact(x.dim(k)));
            }
        }
        return sizes;
    }

    /** The fixture's data after checking that its shape is the value's. */
    private static double[] fixture(NdArray a, Value v, Map<String, Long> env, String file) {
        assertArrayEquals(shapeOf(v, env), a.shape(), file + " does not have the shape of " + v);
        return a.doubles();
    }

    private static long[] shapeOf(Value v, Map<String, Long> env) {
        return v.shape().stream().mapToLong(s -> s.evaluate(env)).toArray();
    }

    private static String index(int flat, long[] shape) {
        long[] at = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = rest % shape[d];
            rest /= shape[d];
        }
        return java.util.Arrays.stream(at).mapToObj(Long::toString).collect(Collectors.joining(", "));
    }

    private static NdArray load(String name, String file) throws IOException {
        String resource = "/reference/" + name + "/" + file;
        try (InputStream in = ReferenceTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing fixture " + resource + " (run make_reference.py)");
            return Npy.read(in, resource);
        }
    }

    /** The .npy files of a case when the fixtures are plain files (they are under Maven and the IDE); null otherwise. */
    private static Set<String> filesOf(String name) throws IOException, URISyntaxException {
        URL url = ReferenceTest.class.getResource("/reference/" + name);
        if (url == null || !url.getProtocol().equals("file")) return null;
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".npy")).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}

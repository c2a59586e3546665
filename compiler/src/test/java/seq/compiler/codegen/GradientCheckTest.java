package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.runtime.model.Net64;

/**
 * The generated backward pass against central finite differences of the generated forward pass,
 * both in float64: one small model per layer kind, activation, loss and Lambda function. Every
 * weight tensor is probed at several entries; the relative error must stay below 1e-6.
 */
class GradientCheckTest {
    static Stream<Arguments> models() {
        List<Arguments> cases = new ArrayList<>();
        for (String act : List.of("linear", "relu", "tanh", "sigmoid", "elu", "gelu", "softplus", "swish", "hard_sigmoid", "softmax")) {
            cases.add(Arguments.of("dense " + act, "model M(x: [batch, 4]) {\n Dense(5, activation=\"" + act + "\")\n Dense(3)\n}\n",
                "mse", Harness.TargetKind.REAL));
        }
        cases.add(Arguments.of("dense rank 3 no bias", "model M(x: [batch, T, 3]) {\n Dense(4, use_bias=false)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("lstm last step", "model M(x: [batch, T, 3]) {\n LSTM(4)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("lstm stacked sequences", "model M(x: [batch, T, 2]) {\n LSTM(3, return_sequences=true)\n LSTM(2, return_sequences=true)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("lstm backwards no bias relu", "model M(x: [batch, T, 2]) {\n LSTM(3, go_backwards=true, use_bias=false, activation=\"relu\", return_sequences=true)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("lstm hard sigmoid", "model M(x: [batch, T, 2]) {\n LSTM(3, recurrent_activation=\"hard_sigmoid\")\n Dense(2)\n}\n",
            "mae", Harness.TargetKind.REAL));
        for (String pad : List.of("valid", "same", "causal")) {
            cases.add(Arguments.of("conv1d " + pad, "model M(x: [batch, T, 3]) {\n Conv1D(4, 3, padding=\"" + pad + "\", activation=\"tanh\")\n}\n",
                "mse", Harness.TargetKind.REAL));
        }
        cases.add(Arguments.of("conv1d strides same", "model M(x: [batch, T, 2]) {\n Conv1D(3, 4, strides=2, padding=\"same\")\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("conv1d dilation causal", "model M(x: [batch, T, 2]) {\n Conv1D(3, 2, dilation_rate=2, padding=\"causal\", use_bias=false)\n}\n",
            "mse", Harness.TargetKind.REAL));
        // Conv1D then GlobalMaxPooling1D: one op with sparse gradients (ir.PoolFirst), the activation after the pooling.
        cases.add(Arguments.of("conv1d relu max pooled", "model M(x: [batch, T, 3]) {\n Conv1D(4, 3, activation=\"relu\")\n GlobalMaxPooling1D()\n Dense(2)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("conv1d max pooled input gradient", "model M(x: [batch, T, 2]) {\n Dense(3)\n"
            + " Conv1D(4, 3, strides=2, padding=\"same\", activation=\"hard_sigmoid\")\n GlobalMaxPooling1D()\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("conv1d max pooled dilated causal", "model M(x: [batch, T, 2]) {\n Dense(3)\n"
            + " Conv1D(2, 2, dilation_rate=2, padding=\"causal\", use_bias=false)\n GlobalMaxPooling1D()\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("conv1d tanh max not pooled first", "model M(x: [batch, T, 2]) {\n Conv1D(3, 2, activation=\"tanh\")\n GlobalMaxPooling1D()\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("global max and average", "model M(x: [batch, T, 3]) {\n let a = GlobalMaxPooling1D()(x)\n let b = GlobalAveragePooling1D()(x)\n"
            + " let c = Dense(2)(a)\n let d = Dense(2)(b)\n Concatenate()(c, d)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("concat add multiply", "model M(x: [batch, T, 3]) {\n let a = Conv1D(2, 2, padding=\"same\")(x)\n let b = Conv1D(2, 3, padding=\"same\")(x)\n"
            + " let c = Concatenate()(a, b)\n let d = Add()(a, b)\n let e = Multiply()(d, b)\n let f = Concatenate(axis=1)(d, e)\n Concatenate()(GlobalMaxPooling1D()(f), Flatten()(e))\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("reshape flatten", "model M(x: [batch, 6]) {\n Dense(8)\n Reshape(4, 2)\n LSTM(2)\n Reshape(2, 1)\n Flatten()\n}\n", "mse", Harness.TargetKind.REAL));
        for (String body : List.of("v * 400", "exp(v)", "log(v * v + 1)", "sqrt(v * v + 1)", "abs(v)", "tanh(v)", "sigmoid(v)",
                "relu(v)", "pow(v * v + 1, 1.5)", "min(v, 0.1)", "max(v, -0.1) / 2 - v", "-v + 3")) {
            cases.add(Arguments.of("lambda " + body, "model M(x: [batch, 3]) {\n Dense(3)\n Lambda(v -> " + body + ")\n}\n", "mse", Harness.TargetKind.REAL));
        }
        cases.add(Arguments.of("dropout", "model M(x: [batch, T, 3]) {\n Dense(4)\n Dropout(0.5)\n LSTM(2)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("activation layer", "model M(x: [batch, 3]) {\n Dense(3)\n Activation(\"swish\")\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("loss mae", "model M(x: [batch, 3]) {\n Dense(2)\n}\n", "mae", Harness.TargetKind.REAL));
        cases.add(Arguments.of("loss huber", "model M(x: [batch, 3]) {\n Dense(2)\n Lambda(v -> v * 3)\n}\n", "huber", Harness.TargetKind.REAL));
        cases.add(Arguments.of("loss binary crossentropy", "model M(x: [batch, 3]) {\n Dense(2, activation=\"sigmoid\")\n}\n",
            "binary_crossentropy", Harness.TargetKind.PROBABILITY));
        cases.add(Arguments.of("loss categorical crossentropy", "model M(x: [batch, T, 3]) {\n Conv1D(4, 2)\n GlobalMaxPooling1D()\n Dense(3, activation=\"softmax\")\n}\n",
            "categorical_crossentropy", Harness.TargetKind.ONE_HOT));
        cases.add(Arguments.of("gru last step", "model M(x: [batch, T, 3]) {\n GRU(4)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("gru stacked backwards", "model M(x: [batch, T, 2]) {\n GRU(3, return_sequences=true, go_backwards=true)\n GRU(2, return_sequences=true)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("gru no bias relu hard sigmoid", "model M(x: [batch, T, 2]) {\n GRU(3, use_bias=false, activation=\"relu\", recurrent_activation=\"hard_sigmoid\")\n Dense(2)\n}\n",
            "mae", Harness.TargetKind.REAL));
        cases.add(Arguments.of("gru reset before", "model M(x: [batch, T, 3]) {\n GRU(3, reset_after=false, return_sequences=true)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("gru reset before backwards no bias", "model M(x: [batch, T, 2]) {\n GRU(3, reset_after=false, go_backwards=true, use_bias=false)\n Dense(2)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("simple rnn last step", "model M(x: [batch, T, 3]) {\n SimpleRNN(4)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("simple rnn stacked backwards no bias", "model M(x: [batch, T, 2]) {\n SimpleRNN(3, return_sequences=true, go_backwards=true, use_bias=false)\n"
            + " SimpleRNN(2, return_sequences=true)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("simple rnn relu", "model M(x: [batch, T, 2]) {\n SimpleRNN(3, activation=\"relu\")\n Dense(2)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("bidirectional lstm concat", "model M(x: [batch, T, 2]) {\n Bidirectional(LSTM(3, return_sequences=true))\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("bidirectional gru sum last step", "model M(x: [batch, T, 2]) {\n Bidirectional(GRU(3), merge_mode=\"sum\")\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("bidirectional gru reset before concat", "model M(x: [batch, T, 2]) {\n Bidirectional(GRU(2, reset_after=false, return_sequences=true))\n Dense(2)\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("bidirectional simple rnn mul", "model M(x: [batch, T, 2]) {\n Bidirectional(SimpleRNN(3, return_sequences=true), merge_mode=\"mul\")\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("bidirectional lstm backwards ave", "model M(x: [batch, T, 2]) {\n Bidirectional(LSTM(2, go_backwards=true, return_sequences=true), merge_mode=\"ave\")\n"
            + " Bidirectional(LSTM(2, use_bias=false))\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("time distributed dense", "model M(x: [batch, T, 3]) {\n TimeDistributed(Dense(4, activation=\"tanh\"))\n TimeDistributed(Dense(2))\n}\n",
            "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("time distributed recurrent", "model M(x: [batch, T, 2]) {\n Reshape(2, -1, 1)\n TimeDistributed(LSTM(3, return_sequences=true))\n"
            + " TimeDistributed(GRU(2))\n TimeDistributed(Dense(2))\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("time distributed conv1d", "model M(x: [batch, 2, T, 3]) {\n TimeDistributed(Conv1D(2, 3, padding=\"causal\"))\n"
            + " TimeDistributed(GlobalMaxPooling1D())\n}\n", "mse", Harness.TargetKind.REAL));
        for (String pool : List.of("MaxPooling1D", "AveragePooling1D")) {
            for (String args : List.of("", "3, strides=1", "2, padding=\"same\"", "3, strides=2, padding=\"same\"", "4, strides=3, padding=\"same\"")) {
                cases.add(Arguments.of(pool + "(" + args + ")", "model M(x: [batch, T, 2]) {\n Conv1D(3, 2, padding=\"same\")\n " + pool + "(" + args + ")\n}\n",
                    "mse", Harness.TargetKind.REAL));
            }
        }
        cases.add(Arguments.of("permute swap", "model M(x: [batch, 4, 3]) {\n Dense(5)\n Permute(2, 1)\n LSTM(2)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("permute three axes", "model M(x: [batch, 2, 3, 4]) {\n Dense(5)\n Permute((3, 1, 2))\n Dense(2)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("permute symbolic", "model M(x: [batch, T, 3]) {\n Conv1D(2, 2)\n Permute(2, 1)\n Flatten()\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("repeat vector", "model M(x: [batch, 4]) {\n Dense(3)\n RepeatVector(5)\n SimpleRNN(2, return_sequences=true)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("embedding lstm", "model M(x: i32[batch, T]) {\n Embedding(6, 3)\n LSTM(2)\n}\n", "mse", Harness.TargetKind.REAL));
        cases.add(Arguments.of("loss sparse categorical crossentropy", "model M(x: [batch, 3]) {\n Dense(4, activation=\"softmax\")\n}\n",
            "sparse_categorical_crossentropy", Harness.TargetKind.CLASS_ID));
        cases.add(Arguments.of("loss sparse categorical crossentropy per step", "model M(x: i32[batch, T]) {\n Embedding(5, 3)\n Conv1D(4, 2, padding=\"same\")\n"
            + " Dense(5, activation=\"softmax\")\n}\n", "sparse_categorical_crossentropy", Harness.TargetKind.CLASS_ID));
        return cases.stream();
    }

    /**
     * The kernels' gradients of recurrences sum over samples in four fixed segments ({@code PartialSums}): a
     * batch of one leaves three empty, six gives segments of one and two samples, nine of two and three.
     * GRU's reset_after=false writes its recurrent kernel's gradient as two column ranges, each with its own parts.
     */
    static Stream<Arguments> partialSums() {
        List<Arguments> cases = new ArrayList<>();
        for (int batch : new int[] {1, 6, 9}) {
            cases.add(Arguments.of("lstm stacked, batch " + batch, "model M(x: [batch, T, 2]) {\n LSTM(3, return_sequences=true)\n"
                + " LSTM(2, go_backwards=true)\n}\n", batch));
            cases.add(Arguments.of("gru reset_before, batch " + batch, "model M(x: [batch, T, 2]) {\n GRU(3, reset_after=false)\n}\n", batch));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partialSums")
    void kernelGradientsInPartialSumsMatchCentralDifferences(String name, String source, int batch) throws Exception {
        check(name, source + "train M {\n loss = mse\n}\n", Harness.TargetKind.REAL, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void backwardMatchesCentralDifferences(String name, String source, String loss, Harness.TargetKind target) throws Exception {
        check(name, source + "train M {\n loss = " + loss + "\n}\n", target, 3);
    }

    private static void check(String name, String withLoss, Harness.TargetKind target, int batch) throws Exception {
        Harness h = new Harness(withLoss, Harness.sizes("batch", batch, "T", 7), Emitter.Precision.F64);
        double[][] b = h.randomBuffers(name.hashCode(), target);
        Net64 net = (Net64) h.net;
        net.forward(b, h.dims);
        net.backward(b, h.dims);
        // A second pass over the same batch gives the same gradients: what a pass does not zero, it overwrites whole.
        double[][] first = new double[b.length][];
        for (int k = 0; k < b.length; k++) first[k] = b[k].clone();
        net.forward(b, h.dims);
        net.backward(b, h.dims);
        for (Value w : h.compiled.graph().weights()) {
            int at = h.index(h.compiled.backward().grads().get(w));
            assertArrayEquals(first[at], b[at], name + ": the gradient of " + w.name() + " changed in a second pass");
        }
        Random pick = new Random(7);
        int checked = 0;
        StringBuilder failures = new StringBuilder();
        for (Value w : h.compiled.graph().weights()) {
            double[] weights = b[h.index(w)];
            double[] grad = b[h.index(h.compiled.backward().grads().get(w))].clone();
            for (int probe = 0; probe < Math.min(6, weights.length); probe++) {
                int i = probe == 0 ? 0 : probe == 1 ? weights.length - 1 : pick.nextInt(weights.length);
                double numeric = h.centralDifference(b, weights, i);
                double error = Math.abs(numeric - grad[i]) / Math.max(1e-3, Math.max(Math.abs(numeric), Math.abs(grad[i])));
                if (error > 1e-6) failures.append(String.format("%s[%d]: analytic %.10g, numeric %.10g, error %.2e%n", w.name(), i, grad[i], numeric, error));
                checked++;
            }
        }
        assertTrue(checked > 0, "no weights probed");
        assertTrue(failures.isEmpty(), name + ":\n" + failures + h.compiled.dump());
    }
}

package seq.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;

class OverwriteTest {
    private static Backend.Result compile(String source) {
        Frontend.Result r = Sources.compile(source);
        if (r.diagnostics().hasErrors()) throw new AssertionError(r.diagnostics().sorted().get(0).message());
        return Backend.compile(r.models().get(0), "seq/gen/Overwrite", Emitter.Precision.F32, null);
    }

    private static Set<String> unzeroed(Backend.Result c) {
        return c.backward().unzeroed().stream().map(Value::name).collect(Collectors.toSet());
    }

    /**
     * tanh's gradient alone writes the convolution's output gradient, every element once, and the bias
     * add's gradient the Dense product's: they store, and those gradients are not zeroed. (With tanh the
     * pooling stays its own op; see PoolFirstTest.)
     */
    @Test
    void aSoleFullWriterStoresAndItsGradientIsNotZeroed() {
        Backend.Result c = compile("model M(x: [batch, 12, 3]) -> [batch, 2] {\n"
            + "  Conv1D(4, 3, activation=\"tanh\")\n  GlobalMaxPooling1D()\n  Dense(2, activation=\"softmax\")\n}\n");
        assertEquals(Set.of("d_conv1d/conv", "d_dense/matmul"), unzeroed(c));
        KernelOp tanh = (KernelOp) c.backward().ops().stream().filter(op -> op.outputs().get(0).name().equals("d_conv1d/conv"))
            .findFirst().orElseThrow();
        // Its one store no longer reads what it writes.
        assertTrue(tanh.kernel("k").toString().contains("Store[array=d, index=Var[name=i], value=Bin[op=*"), tanh.kernel("k").toString());
        // The scatter of global max pooling's gradient and the broadcast bias gradient still add into zeroed buffers.
        for (String added : new String[] {"d_conv1d", "d_dense/bias"}) assertTrue(!unzeroed(c).contains(added), added);
    }

    /** The value named {@code name} among the forward graph's values and the gradients. */
    private static Value named(Backend.Result c, String name) {
        return java.util.stream.Stream.concat(c.graph().values().stream(), c.backward().grads().values().stream())
            .filter(v -> v.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no value " + name));
    }

    /**
     * LSTM's and SimpleRNN's loops keep their pre-activations (or gates) in the input product's rows when they read
     * time forwards, and their backward loops store the input product's gradient there too: one buffer for xw, z and
     * xw's gradient, not zeroed. Reading time backwards, z gets its own buffer, and the gradient still takes xw's.
     * GRU's rule does neither: its gradient has a buffer of its own, zeroed.
     */
    @Test
    void aRecurrenceKeepsItsGatesAndItsInputGradientInItsInputProductsBuffer() {
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 2] {\n"
            + "  LSTM(4, return_sequences=true)\n  SimpleRNN(3, return_sequences=true)\n  LSTM(3, return_sequences=true, go_backwards=true)\n"
            + "  GRU(2)\n}\n");
        for (String layer : new String[] {"lstm", "simple_rnn"}) {
            Value xw = named(c, layer + "/xw");
            assertEquals(xw, named(c, layer + "/z").storage(), layer);
            assertEquals(xw, named(c, "d_" + layer + "/xw").storage(), layer);
        }
        Value xw = named(c, "lstm_1/xw"), z = named(c, "lstm_1/z");
        assertEquals(z, z.storage(), "z reading time backwards");
        assertTrue(c.plan().buffers().contains(z));
        assertEquals(xw, named(c, "d_lstm_1/xw").storage());
        assertEquals(4, c.plan().buffers().stream().filter(v -> v.name().endsWith("/xw") && !v.name().startsWith("d_")).count());
        Value gru = named(c, "d_gru/xw");
        assertEquals(gru, gru.storage());
        assertTrue(c.plan().buffers().contains(gru) && !unzeroed(c).contains("d_gru/xw"), unzeroed(c).toString());
        assertTrue(c.plan().buffers().stream().noneMatch(v -> v.name().matches("d_(lstm|simple_rnn|lstm_1)/xw")), c.plan().buffers().toString());
    }

    /**
     * A value two ops read gets its gradient from both: h feeds an activation (whose element-wise gradient
     * covers every element) and a Dense layer, so neither may overwrite h's gradient.
     */
    @Test
    void aGradientWithTwoWritersIsZeroedAndAddedInto() {
        Backend.Result c = compile("model M(x: [batch, 4]) -> [batch, 4] {\n"
            + "  let h = Dense(4)(x)\n  let a = Activation(\"tanh\")(h)\n  let b = Dense(4)(h)\n  Add()(a, b)\n}\n");
        long writers = c.backward().ops().stream().filter(op -> op.outputs().get(0).name().equals("d_dense")).count();
        boolean elementwise = c.backward().ops().stream().anyMatch(op -> op.outputs().get(0).name().equals("d_dense")
            && op instanceof KernelOp k && "ib".equals(k.parallel()));
        assertEquals(2, writers);
        assertTrue(elementwise, "one of h's gradient's writers is element-wise");
        assertTrue(!unzeroed(c).contains("d_dense"), "d_dense has two writers: " + unzeroed(c));
    }
}

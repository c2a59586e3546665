package seq.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.ops.Elementwise;

import static seq.compiler.codegen.loops.Loop.*;

/** Which models get max pooling moved before their activation and fused with their convolution. (Their gradients: GradientCheckTest.) */
class PoolFirstTest {
    private static Backend.Result compile(String source) {
        Frontend.Result r = Sources.compile(source);
        if (r.diagnostics().hasErrors()) throw new AssertionError(r.diagnostics().sorted().get(0).message());
        return Backend.compile(r.models().get(0), "seq/gen/PoolFirst", Emitter.Precision.F32, null);
    }

    private static List<String> labels(List<Op> ops) {
        return ops.stream().map(op -> op.asKernel().label()).toList();
    }

    private static boolean hasGradient(Backend.Result c, String value) {
        return c.backward().grads().values().stream().anyMatch(g -> g.name().equals("d_" + value));
    }

    @Test
    void reluConvolutionAndPoolingBecomeOneOpWithTheActivationAfter() {
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 2] {\n"
            + "  Conv1D(4, 3, activation=\"relu\")\n  GlobalMaxPooling1D()\n  Dense(2)\n}\n");
        assertEquals(List.of("conv1d_max", "relu", "matmul", "linear_bias", "mse"), labels(c.graph().ops()));
        // The activation runs on the pooled [batch, 4]; nothing the size of the convolution's output gets a gradient.
        assertEquals("global_max_pooling1d/pre_activation", c.graph().ops().get(1).inputs().get(0).name());
        assertFalse(hasGradient(c, "conv1d/conv") || hasGradient(c, "conv1d"), c.backward().grads().values().toString());
        assertTrue(labels(c.backward().ops()).containsAll(List.of("conv1d_max_dw", "column_sum")));
    }

    @Test
    void aSmoothActivationStaysBeforeThePooling() {
        // tanh is monotone, but FastMath's float32 tanh is not proven so to the last bit.
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 4] {\n"
            + "  Conv1D(4, 3, activation=\"tanh\")\n  GlobalMaxPooling1D()\n}\n");
        assertEquals(List.of("conv1d", "tanh", "global_max", "mse"), labels(c.graph().ops()));
    }

    @Test
    void aConvolutionWhoseOutputIsAlsoReadElsewhereIsNotFused() {
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 8] {\n"
            + "  let h = Conv1D(4, 3)(x)\n  let a = GlobalMaxPooling1D()(h)\n  let b = GlobalAveragePooling1D()(h)\n  Concatenate()(a, b)\n}\n");
        assertTrue(labels(c.graph().ops()).containsAll(List.of("conv1d", "global_max", "global_average")), labels(c.graph().ops()).toString());
        assertTrue(hasGradient(c, "conv1d/conv") || hasGradient(c, "conv1d"));
    }

    @Test
    void anActivationReadElsewhereStaysAndItsConvolutionIsNotFused() {
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 8] {\n"
            + "  let h = Conv1D(4, 3, activation=\"relu\")(x)\n  let a = GlobalMaxPooling1D()(h)\n"
            + "  let b = GlobalAveragePooling1D()(h)\n  Concatenate()(a, b)\n}\n");
        assertTrue(labels(c.graph().ops()).containsAll(List.of("conv1d", "relu", "global_max")), labels(c.graph().ops()).toString());
    }

    @Test
    void poolingWithKeepdimsIsStillFused() {
        Backend.Result c = compile("model M(x: [batch, T, 3]) -> [batch, 1, 4] {\n"
            + "  Conv1D(4, 3, activation=\"relu\")\n  GlobalMaxPooling1D(keepdims=true)\n}\n");
        assertEquals(List.of("conv1d_max", "relu", "mse"), labels(c.graph().ops()));
    }

    @Test
    void onlyExactNonDecreasingBodiesMove() {
        assertTrue(Elementwise.exactNonDecreasing(max(v("a0"),
            r(0))));
        assertTrue(Elementwise.exactNonDecreasing(mul(r(0.2),
            sub(v("a0"), r(1)))));
        assertFalse(Elementwise.exactNonDecreasing(mul(r(-2),
            v("a0"))));
        assertFalse(Elementwise.exactNonDecreasing(sub(r(1),
            v("a0"))));
        assertFalse(Elementwise.exactNonDecreasing(fn("tanh", v("a0"))));
    }
}

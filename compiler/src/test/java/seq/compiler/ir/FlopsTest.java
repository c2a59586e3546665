package seq.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;

class FlopsTest {
    private static Backend.Result compile(String source) {
        Frontend.Result r = Sources.compile(source);
        if (r.diagnostics().hasErrors()) throw new AssertionError(r.diagnostics().sorted().get(0).message());
        return Backend.compile(r.models().get(0), "seq/gen/Flops", Emitter.Precision.F32, null);
    }

    /** The FLOPs of the ops with this label, forward and backward together. */
    private static long labelled(Backend.Result c, String label, Map<String, Long> sizes) {
        long n = 0;
        for (List<Op> ops : List.of(c.graph().ops(), c.backward().ops())) {
            for (Op op : ops) if (op.asKernel() != null && op.asKernel().label().equals(label)) n += Flops.of(op, sizes);
        }
        return n;
    }

    @Test
    void denseCountsEachProductTwicePerMultiplyAdd() {
        Backend.Result c = compile("model D(x: [batch, 8]) -> [batch, 2] {\n  Dense(4, activation=\"relu\")\n  Dense(2)\n}\n");
        Map<String, Long> sizes = Map.of("batch", 3L);
        // Forward: 8·4 and 4·2 multiply-adds per sample.
        assertEquals(3 * (2 * 8 * 4 + 2 * 4 * 2), labelled(c, "matmul", sizes));
        // Both weights' gradients; the input's only for the second layer (x needs none).
        assertEquals(3 * (2 * 8 * 4 + 2 * 4 * 2), labelled(c, "matmul_dw", sizes));
        assertEquals(3 * (2 * 4 * 2), labelled(c, "matmul_dx", sizes));
        Flops.Count count = Flops.of(c.graph(), c.backward().ops(), sizes);
        assertEquals(3 * (64 + 16 + 64 + 16 + 16), count.products());
        // Element-wise: relu(x + b) is 2 FLOPs per element, x + b one.
        long biases = 0;
        for (Op op : c.graph().ops()) if (op instanceof seq.compiler.ir.ops.Elementwise.Map) biases += Flops.of(op, sizes);
        assertEquals(3 * (2 * 4 + 2), biases);
        // Every op is linear in the batch but the loss's division by the count, once forward and once backward.
        Flops.Count one = Flops.perSample(c.graph(), c.backward().ops(), Map.of());
        assertEquals(3 * (one.total() - 2) + 2, count.total());
        assertEquals(count.products(), 3 * one.products());
    }

    @Test
    void lstmCountsInputAndRecurrentProductsEveryStep() {
        Backend.Result c = compile("model L(x: [batch, T, 3]) -> [batch, 4] {\n"
            + "  LSTM(5, return_sequences=true)\n  LSTM(4)\n}\n");
        Map<String, Long> sizes = Map.of("batch", 2L, "T", 7L);
        long b = 2, t = 7;
        // First layer: D = 3, U = 5, G = 20; second: D = 5, U = 4, G = 16.
        long input1 = 2 * b * t * 3 * 20, input2 = 2 * b * t * 5 * 16;
        long recurrent1 = 2 * b * t * 20 * 5, recurrent2 = 2 * b * t * 16 * 4;
        // The input products of every step are matmuls: forward, and the kernel's and (second layer) input's gradients.
        assertEquals(input1 + input2, labelled(c, "matmul", sizes));
        assertEquals(input1 + input2, labelled(c, "matmul_dw", sizes));
        assertEquals(input2, labelled(c, "matmul_dx", sizes));
        // Each step's recurrent product, forward and back to the hidden state, and the recurrent kernel's gradient
        // over the steps after the first.
        assertEquals(recurrent1 + recurrent2, labelled(c, "lstm", sizes));
        assertEquals(recurrent1 + recurrent2, labelled(c, "lstm_d", sizes));
        assertEquals(2 * b * (t - 1) * 5 * 20 + 2 * b * (t - 1) * 4 * 16, labelled(c, "recurrent_du", sizes));
        long all = 3 * input1 + 3 * input2 - input1 + 2 * (recurrent1 + recurrent2) + 2 * b * (t - 1) * (5 * 20 + 4 * 16);
        assertEquals(all, Flops.of(c.graph(), c.backward().ops(), sizes).products());
        assertEquals(all / b, Flops.perSample(c.graph(), c.backward().ops(), Map.of("T", 7L)).products());
        // The kernels' gradients are added up from partial sums once per batch: not counted, so that the count
        // per sample stays one per sample (as the loss's division by the count, every other op is linear in the batch).
        assertEquals(0, labelled(c, "sum_parts", sizes));
        Flops.Count one = Flops.perSample(c.graph(), c.backward().ops(), Map.of("T", 7L));
        Flops.Count eight = Flops.of(c.graph(), c.backward().ops(), Map.of("batch", 8L, "T", 7L));
        assertEquals(8 * (one.total() - 2) + 2, eight.total());
    }

    /**
     * Ops whose JVM form calls into the runtime are counted from their reference loops: a global max pool's
     * running maximum is one FLOP per step after the first, a bias's gradient one add per element.
     */
    @Test
    void opsWithRuntimeCallsAreCountedFromTheirLoops() {
        // tanh keeps the pooling its own op (ir.PoolFirst moves only exact non-decreasing activations).
        Backend.Result c = compile("model P(x: [batch, T, 3]) -> [batch, 2] {\n"
            + "  Conv1D(4, 2, activation=\"tanh\")\n  GlobalMaxPooling1D()\n  Dense(2)\n}\n");
        Map<String, Long> sizes = Map.of("batch", 2L, "T", 7L);
        // The conv's output has 6 steps of 4 channels.
        assertEquals(2 * (6 - 1) * 4, labelled(c, "global_max", sizes));
        // The conv's bias over its 2 · 6 rows, and the Dense bias (summed from its product's gradient) over 2.
        assertEquals(2 * 6 * 4 + 2 * 2, labelled(c, "column_sum", sizes));
    }

    /**
     * A convolution fused with the max pooling after it is a product over every step, as a convolution is;
     * its gradients are a multiply-add per sample, filter, tap and channel, counted from their loops.
     */
    @Test
    void aPooledConvolutionCountsItsProductAndSparseGradients() {
        Backend.Result c = compile("model P(x: [batch, T, 3]) -> [batch, 2] {\n"
            + "  Conv1D(4, 2, activation=\"relu\")\n  GlobalMaxPooling1D()\n  Dense(2)\n}\n");
        Map<String, Long> sizes = Map.of("batch", 2L, "T", 7L);
        long b = 2, l = 6, k = 2, ch = 3, f = 4;
        assertEquals(2 * b * l * k * ch * f, labelled(c, "conv1d_max", sizes));
        assertEquals(2 * b * f * k * ch, labelled(c, "conv1d_max_dw", sizes));
        // The Dense layer's product and its kernel's and input's gradients; the convolution's.
        assertEquals(3 * 2 * b * f * 2 + 2 * b * l * k * ch * f, Flops.of(c.graph(), c.backward().ops(), sizes).products());
    }

    @Test
    void everyExampleModelIsCounted() throws Exception {
        for (java.nio.file.Path file : Sources.exampleFiles()) {
            if (file.toString().contains("/errors/")) continue;
            Frontend.Result r = Frontend.run(new seq.compiler.diag.SourceFile(file.toString(), java.nio.file.Files.readString(file)));
            for (var model : r.models()) {
                Backend.Result c = Backend.compile(model, "seq/gen/Flops", Emitter.Precision.F32, null);
                Map<String, Long> sizes = new java.util.HashMap<>();
                for (String symbol : c.plan().symbols()) sizes.put(symbol, 64L);
                Flops.Count count = Flops.perSample(c.graph(), c.backward().ops(), sizes);
                if (count.products() <= 0 || count.total() <= count.products()) throw new AssertionError(file + ": " + count);
            }
        }
    }

    @Test
    void aMissingSizeIsNamed() {
        Backend.Result c = compile("model L(x: [batch, T, 3]) -> [batch, 4] {\n  LSTM(4)\n}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Flops.perSample(c.graph(), c.backward().ops(), Map.of()));
        assertEquals("no value for size `T`", e.getMessage());
    }
}

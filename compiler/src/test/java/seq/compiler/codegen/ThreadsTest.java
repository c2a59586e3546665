package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import seq.compiler.Backend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.runtime.device.Devices;
import seq.runtime.device.Executor;
import seq.runtime.model.Net32;

/**
 * The JVM executor splits each data-parallel op across threads by sample: every buffer must come out
 * exactly as from the single-threaded generated passes, for splits that are uneven (3 threads over 7
 * samples) or larger than the batch (3 threads, 2 samples).
 */
class ThreadsTest {
    static List<org.junit.jupiter.params.provider.Arguments> models() {
        return OpenClTest.models().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void threadsGiveTheSingleThreadedResultBitForBit(String name, String source) throws Exception {
        Backend.Result r = Backend.compile(Sources.compile(source).models().get(0), "seq/gen/Threads", Emitter.Precision.F32, null);
        int split = 0;
        for (int batch : new int[] {7, 2}) split += splitAndCompare(r, Map.of("batch", batch, "T", 5)).forward();
        assertTrue(split > 0, name + ": no op was split");
    }

    /**
     * What the backward pass does not zero (a recurrence's input-product gradient, which its backward loop stores
     * whole; the partial sums of the kernels' gradients; the saved states) must be written before it is read: with
     * every such buffer NaN before the passes, and again dirty from a first step, 1, 2, 3 and 5 threads give the
     * gradients of one thread on clean buffers, bit for bit, over batches smaller and larger than the segments.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void buffersThePassDoesNotClearAreWrittenBeforeTheyAreRead(String name, String source) throws Exception {
        Backend.Result r = Backend.compile(Sources.compile(source).models().get(0), "seq/gen/Poisoned", Emitter.Precision.F32, null);
        Net32 net = Harness.net32(r);
        for (int[] bt : new int[][] {{1, 1}, {3, 4}, {9, 2}}) {
            Map<String, Integer> sizes = Map.of("batch", bt[0], "T", bt[1]);
            int[] dims = r.plan().symbols().stream().mapToInt(sizes::get).toArray();
            float[][] clean = buffers(r, net, dims);
            net.forward(clean, dims);
            net.backward(clean, dims);
            for (int threads : new int[] {1, 2, 3, 5}) {
                Executor jvm = Devices.jvm(net, threads);
                float[][] b = buffers(r, net, dims);
                for (Value v : r.plan().buffers()) {
                    Value.Role role = v.role();
                    if (role == Value.Role.GRADIENT || role == Value.Role.SAVED || role == Value.Role.ACTIVATION) {
                        java.util.Arrays.fill(b[r.plan().index(v)], Float.NaN);
                    }
                }
                for (int pass = 0; pass < 2; pass++) {
                    jvm.forward(b, dims);
                    jvm.backward(b, dims);
                }
                for (Value w : r.graph().weights()) {
                    int i = r.plan().index(r.backward().grads().get(w));
                    assertArrayEquals(clean[i], b[i], name + ", " + sizes + ", " + threads + " threads: the gradient of " + w.name());
                }
            }
        }
    }

    /**
     * Element-wise passes (an activation, a Lambda, and their gradients) are split in blocks of elements:
     * large enough ones are, and give the single-threaded bits.
     */
    @Test
    void elementwisePassesSplitInBlocksOfElements() throws Exception {
        String source = """
            model Wide(x: [batch, T, 4]) -> [batch, T, 1] {
                Dense(400, activation="relu")
                Lambda(v -> v * v + 0.5)
                Dense(1)
            }
            """;
        Backend.Result r = Backend.compile(Sources.compile(source).models().get(0), "seq/gen/Wide", Emitter.Precision.F32, null);
        Splits splits = splitAndCompare(r, Map.of("batch", 7, "T", 5));
        // 7 · 5 · 400 = 14,000 elements: four blocks, split across the three threads, forward and backward.
        assertTrue(splits.elementwiseForward() > 0 && splits.elementwiseBackward() > 0, "element-wise passes split: " + splits);
    }

    private record Splits(int forward, int elementwiseForward, int elementwiseBackward) {}

    /**
     * Runs one training step's passes on one thread and on three, asserts every buffer is the same bit for
     * bit, and counts the ops that were split.
     */
    private static Splits splitAndCompare(Backend.Result r, Map<String, Integer> sizes) throws Exception {
        Net32 net = Harness.net32(r);
        Executor threads = Devices.jvm(net, 3);
        assertEquals("jvm (3 threads)", threads.describe());
        int[] dims = r.plan().symbols().stream().mapToInt(sizes::get).toArray();
        float[][] one = buffers(r, net, dims), many = buffers(r, net, dims);
        net.forward(one, dims);
        net.backward(one, dims);
        threads.forward(many, dims);
        threads.backward(many, dims);
        for (Value v : r.plan().buffers()) {
            int i = r.plan().index(v);
            assertArrayEquals(one[i], many[i], v + " with " + sizes);
        }
        int forward = 0, elementwise = 0, elementwiseBack = 0;
        for (int k = 0; k < net.forwardOps(); k++) {
            if (net.forwardItems(dims, k) < 2) continue;
            forward++;
            if (r.graph().ops().get(k) instanceof seq.compiler.ir.ops.Elementwise.Map) elementwise++;
        }
        for (int k = 0; k < net.backwardOps(); k++) {
            if (net.backwardItems(dims, k) > 1 && r.backward().ops().get(k).threadSplit().parallel().equals("ib")) elementwiseBack++;
        }
        return new Splits(forward, elementwise, elementwiseBack);
    }

    private static float[][] buffers(Backend.Result r, Net32 net, int[] dims) {
        int[] lengths = new int[r.plan().buffers().size()];
        net.sizes(dims, lengths);
        float[][] b = new float[lengths.length][];
        Random random = new Random(11);
        for (int i = 0; i < b.length; i++) b[i] = new float[lengths[i]];
        for (Value v : r.plan().buffers()) {
            if (v.role() == Value.Role.INPUT || v.role() == Value.Role.TARGET || v.role() == Value.Role.WEIGHT) {
                float[] a = b[r.plan().index(v)];
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.5 * random.nextGaussian());
            }
        }
        return b;
    }
}

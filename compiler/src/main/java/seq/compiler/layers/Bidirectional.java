package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.ops.Concat;
import seq.compiler.ir.ops.Elementwise;
import seq.compiler.ir.ops.Flip;
import seq.compiler.types.Size;

/** Keras `Bidirectional`: the wrapped recurrent layer runs forward and backward; outputs are merged. */
public final class Bidirectional extends LayerKind {
    @Override public String name() { return "Bidirectional"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("layer", Param.Kind.LAYER),
            Param.choice("merge_mode", "concat", List.of("concat", "sum", "mul", "ave")));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Layer inner = layer.args().layer("layer");
        if (!(inner.kind() instanceof Recurrent)) {
            diags.report(Diagnostic.of(Code.S0202, inner.span(), "`Bidirectional` wraps a recurrent layer, found `"
                    + inner.kind().name() + "`")
                .withHelp("wrap `LSTM`, `GRU` or `SimpleRNN`, e.g. `Bidirectional(LSTM(12))`"));
            return null;
        }
        Out one = inner.kind().infer(inner, inputs, diags);
        if (one == null) return null;
        String mode = layer.args().string("merge_mode");
        Size units = one.type().last();
        List<Weight> weights = new ArrayList<>();
        for (Weight w : one.weights()) weights.add(w.prefixed("forward_" + inner.name()));
        for (Weight w : one.weights()) weights.add(w.prefixed("backward_" + inner.name()));
        List<String> explain = new ArrayList<>();
        explain.add("two copies of `" + inner.kind().name() + "`, one reading forward in time and one backward:");
        for (String line : one.explain()) explain.add("  " + line);
        explain.add("params: 2 × " + num(one.params(true)) + " = " + num(2 * one.params(true)));
        Size merged = mode.equals("concat") ? units.times(2) : units;
        explain.add("merge_mode=\"" + mode + "\": " + (mode.equals("concat")
            ? units + " + " + units + " = " + merged + " features" : units + " features, combined element by element"));
        return new Out(one.type().withLast(merged), weights, explain);
    }

    /**
     * As Keras builds it: a forward copy, and a backward copy reading time the other way whose output
     * sequence is reversed back into input order before merging. Weights are
     * `bidirectional/forward_lstm/kernel` and so on. (Keras 3 refuses a wrapped layer that already has
     * go_backwards=True; tf.keras swapped the directions, and so does this.)
     */
    @Override public seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        Layer inner = layer.args().layer("layer");
        Recurrent kind = (Recurrent) inner.kind();
        seq.compiler.ir.Value x = inputs.get(0);
        boolean backwards = inner.args().bool("go_backwards");
        seq.compiler.ir.Value forward = kind.lower(copy(layer, inner, "forward_"), x, weights(out, "forward_" + inner.name()), backwards, ir);
        seq.compiler.ir.Value backward = kind.lower(copy(layer, inner, "backward_"), x, weights(out, "backward_" + inner.name()), !backwards, ir);
        if (inner.args().bool("return_sequences")) {
            seq.compiler.ir.Value reversed = ir.value(layer.name() + "/backward_reversed", backward.shape());
            ir.add(Flip.of(backward, reversed, layer.span()));
            backward = reversed;
        }
        seq.compiler.ir.Value y = ir.value(layer.name(), out.type().dims());
        String mode = layer.args().string("merge_mode");
        if (mode.equals("concat")) {
            int axis = y.shape().size() - 1;
            ir.add(Concat.part(forward, y, axis, Size.of(0), layer.span()));
            ir.add(Concat.part(backward, y, axis, forward.last(), layer.span()));
        } else {
            ir.add(Elementwise.map("bidirectional_" + mode, layer.span(), List.of(forward, backward), a -> switch (mode) {
                case "sum" -> Loop.add(a.get(0), a.get(1));
                case "mul" -> Loop.mul(a.get(0), a.get(1));
                default -> Loop.mul(Loop.add(a.get(0), a.get(1)), Loop.r(0.5));
            }, y));
        }
        return y;
    }

    /** The wrapped layer as one of the two copies, named `bidirectional/forward_lstm`. */
    private static Layer copy(Layer layer, Layer inner, String direction) {
        return new Layer(inner.kind(), layer.name() + "/" + direction + inner.name(), inner.args(), inner.span());
    }

    /** One copy's weights, without the `forward_lstm/` prefix that {@link #infer} gave them. */
    private static List<Weight> weights(Out out, String copy) {
        List<Weight> mine = new ArrayList<>();
        for (Weight w : out.weights()) {
            if (w.name().startsWith(copy + "/")) mine.add(new Weight(w.name().substring(copy.length() + 1), w.shape(), w.trainable()));
        }
        return mine;
    }
}

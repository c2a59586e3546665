package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
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
}

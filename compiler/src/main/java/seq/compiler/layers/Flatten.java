package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;

/** Keras `Flatten`: every axis but the batch becomes one. */
public final class Flatten extends LayerKind {
    @Override public String name() { return "Flatten"; }
    @Override public List<Param> params() { return List.of(); }

    /** Memory order is unchanged, so the output shares the input's buffer. */
    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        return ir.alias(layer.name(), out.type().dims(), inputs.get(0));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireRank(layer, in, diags, "[batch, ...] with at least one axis after the batch", 2, 3, 4, 5, 6)) return null;
        String product = String.join(" × ", in.type().features().stream().map(Object::toString).toList());
        return new Out(in.type().withDims(List.of(in.type().batch(), in.type().sampleSize())), List.of(), List.of(
            "joins the axes after the batch: " + product + " = " + in.type().sampleSize()));
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.GlobalPool;
import seq.compiler.types.Size;

/** What GlobalMaxPooling1D and GlobalAveragePooling1D share: one reduction over all steps. */
public abstract class GlobalPooling1D extends LayerKind {
    protected abstract String reduction();

    @Override public List<Param> params() {
        return List.of(Param.of("keepdims", Param.Kind.BOOL, false));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value x = inputs.get(0);
        Value y = ir.value(layer.name(), List.of(x.shape().get(0), x.shape().get(2)));
        ir.add(reduction().equals("maximum")
            ? GlobalPool.max(x, y, ir.saved(layer.name() + "/argmax", y.shape()), layer.span())
            : GlobalPool.average(x, y, layer.span()));
        return layer.args().bool("keepdims") ? ir.alias(layer.name() + "/keepdims", out.type().dims(), y) : y;
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags) || !requireRank(layer, in, diags, "[batch, steps, channels]", 3)) return null;
        boolean keep = layer.args().bool("keepdims");
        List<Size> dims = keep ? List.of(in.type().batch(), Size.of(1), in.type().dim(2)) : List.of(in.type().batch(), in.type().dim(2));
        return new Out(in.type().withDims(dims), List.of(), List.of(
            "takes the " + reduction() + " over all " + in.type().dim(1) + " steps of each of the " + in.type().dim(2) + " channels"
                + (keep ? "; keepdims=true keeps a time axis of 1" : "; the time axis is gone")));
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.types.Size;

/** What GlobalMaxPooling1D and GlobalAveragePooling1D share: one reduction over all steps. */
public abstract class GlobalPooling1D extends LayerKind {
    protected abstract String reduction();

    @Override public List<Param> params() {
        return List.of(Param.of("keepdims", Param.Kind.BOOL, false));
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

package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.types.Size;

/** Keras `TimeDistributed`: the wrapped layer is applied to every slice along axis 1, with shared weights. */
public final class TimeDistributed extends LayerKind {
    @Override public String name() { return "TimeDistributed"; }

    @Override public List<Param> params() {
        return List.of(Param.required("layer", Param.Kind.LAYER));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireRank(layer, in, diags, "[batch, steps, ...]", 3, 4, 5, 6)) return null;
        Layer inner = layer.args().layer("layer");
        List<Size> sliceDims = new ArrayList<>(in.type().dims());
        Size steps = sliceDims.remove(1);
        Out one = inner.kind().infer(inner, List.of(new Input(in.type().withDims(sliceDims), in.span(), in.producer())), diags);
        if (one == null) return null;
        List<Size> outDims = new ArrayList<>(one.type().dims());
        outDims.add(1, steps);
        List<String> explain = new ArrayList<>();
        explain.add("applies `" + inner.kind().name() + "` to each of the " + steps + " slices along axis 1, each of shape "
            + in.type().withDims(sliceDims) + ", with one set of weights:");
        for (String line : one.explain()) explain.add("  " + line);
        explain.add("each slice gives " + one.type() + "; stacking " + steps + " of them gives " + one.type().withDims(outDims));
        return new Out(one.type().withDims(outDims), one.weights(), explain);
    }
}

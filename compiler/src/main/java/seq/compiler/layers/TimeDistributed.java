package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
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

    /**
     * The wrapped layer runs once on all slices, with the batch and step axes merged into one: a
     * [batch · steps, ...] view of the input, whose result is viewed back as [batch, steps, ...]. Keras 3
     * builds the wrapped layer inside the wrapper's name scope, so its weights are named
     * `time_distributed/dense/kernel`, as `bidirectional/forward_lstm/kernel` is for Bidirectional.
     */
    @Override public seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        Layer inner = layer.args().layer("layer");
        seq.compiler.ir.Value x = inputs.get(0);
        seq.compiler.ir.Value slices = ir.alias(layer.name() + "/slices", merged(x.shape()), x);
        Layer named = new Layer(inner.kind(), layer.name() + "/" + inner.name(), inner.args(), inner.span());
        Out one = new Out(out.type().withDims(merged(out.type().dims())), out.weights(), List.of());
        seq.compiler.ir.Value y = inner.kind().lower(named, List.of(slices), one, ir);
        return ir.alias(layer.name(), out.type().dims(), y);
    }

    /** [batch · steps, ...] for [batch, steps, ...]. */
    private static List<Size> merged(List<Size> dims) {
        List<Size> m = new ArrayList<>(dims.subList(1, dims.size()));
        m.set(0, dims.get(0).times(dims.get(1)));
        return m;
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.ops.Pool;
import seq.compiler.types.Size;

/** What MaxPooling1D and AveragePooling1D share: a window over the steps, no weights. */
public abstract class Pooling1D extends LayerKind {
    protected abstract String reduction();

    @Override public List<Param> params() {
        return List.of(
            Param.of("pool_size", Param.Kind.INTS, 2).positive(),
            Param.of("strides", Param.Kind.OPTIONAL_INT, null).positive(),
            Param.choice("padding", "valid", List.of("valid", "same")));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags) || !requireRank(layer, in, diags, "[batch, steps, channels]", 3)) return null;
        long pool = layer.args().ints("pool_size").get(0);
        Long strides = layer.args().optionalInt("strides");
        long stride = strides == null ? pool : strides;
        Windows.Length length = Windows.of(layer, in.type().dim(1), pool, 1, stride, layer.args().string("padding"), "pool_size", diags);
        if (length == null) return null;
        return new Out(in.type().withDims(List.of(in.type().batch(), length.size(), in.type().dim(2))), List.of(), List.of(
            "takes the " + reduction() + " of each window of " + pool + " steps, moving " + stride + " steps at a time"
                + (strides == null ? " (strides defaults to pool_size)" : ""),
            "steps: " + length.words(),
            "channels pass through: " + in.type().dim(2)));
    }

    @Override public seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        int pool = Math.toIntExact(layer.args().ints("pool_size").get(0));
        Long strides = layer.args().optionalInt("strides");
        Pool.Config cfg = new Pool.Config(pool, strides == null ? pool : Math.toIntExact(strides), layer.args().string("padding"));
        seq.compiler.ir.Value y = ir.value(layer.name(), out.type().dims());
        ir.add(reduction().equals("maximum") ? Pool.max(inputs.get(0), y, cfg, layer.span()) : Pool.average(inputs.get(0), y, cfg, layer.span()));
        return y;
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Repeat;
import seq.compiler.types.Size;

/** Keras `RepeatVector`: [batch, features] → [batch, n, features]. */
public final class RepeatVector extends LayerKind {
    @Override public String name() { return "RepeatVector"; }

    @Override public List<Param> params() {
        return List.of(Param.required("n", Param.Kind.INT).positive());
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireRank(layer, in, diags, "[batch, features]", 2)) return null;
        long n = layer.args().integer("n");
        return new Out(in.type().withDims(List.of(in.type().batch(), Size.of(n), in.type().dim(1))), List.of(), List.of(
            "repeats each sample's " + in.type().dim(1) + "-vector " + n + " times along a new time axis"));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value y = ir.value(layer.name(), out.type().dims());
        ir.add(Repeat.of(inputs.get(0), y, layer.span()));
        return y;
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Gru;
import seq.compiler.types.Size;

/** Keras `GRU`, reset_after=true by default as in Keras 3. Gate order: update, reset, candidate. */
public final class GRU extends Recurrent {
    @Override public String name() { return "GRU"; }
    @Override protected List<String> gates() { return List.of("update", "reset", "candidate"); }
    @Override protected List<Param> extraParams() { return List.of(Param.of("reset_after", Param.Kind.BOOL, true)); }

    /** With reset_after the input and recurrent products have separate biases: shape (2, 3 · units). */
    @Override protected long[] biasShape(Layer layer, long width) {
        return layer.args().bool("reset_after") ? new long[] {2, width} : new long[] {width};
    }

    @Override public Value lower(Layer layer, Value x, List<Weight> weights, boolean backwards, Lowering ir) {
        Size batch = x.shape().get(0), steps = x.shape().get(1), units = Size.of(layer.args().integer("units"));
        boolean resetAfter = layer.args().bool("reset_after");
        Gru.Saved saved = new Gru.Saved(
            saved(ir, layer, "xw", batch, steps, units.times(3)),
            saved(ir, layer, "xz", batch, steps, units.times(3)),
            saved(ir, layer, "hz", batch, steps, units.times(3)),
            saved(ir, layer, "h", batch, steps, units),
            resetAfter ? null : saved(ir, layer, "rh", batch, steps, units),
            saved(ir, layer, "dh", batch, units),
            saved(ir, layer, "dzc", batch, units),
            saved(ir, layer, "dhz", batch, steps, units.times(3)));
        Value bias = ir.weight(layer, "bias", weights);
        Value y = ir.value(layer.name(), outputDims(layer, x));
        Gru.of(x, ir.weight(layer, "kernel", weights), ir.weight(layer, "recurrent_kernel", weights), bias, y, saved,
            config(layer, backwards, bias != null), resetAfter, layer.span()).forEach(ir::add);
        return y;
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Lstm;
import seq.compiler.types.Size;

/** Keras `LSTM`. Gate order in the kernel's columns is Keras's: input, forget, cell, output. */
public final class LSTM extends Recurrent {
    @Override public String name() { return "LSTM"; }
    @Override protected List<String> gates() { return List.of("input", "forget", "cell", "output"); }
    @Override protected List<Param> extraParams() { return List.of(Param.of("unit_forget_bias", Param.Kind.BOOL, true)); }

    @Override public Value lower(Layer layer, Value x, List<Weight> weights, boolean backwards, Lowering ir) {
        Size batch = x.shape().get(0), steps = x.shape().get(1), units = Size.of(layer.args().integer("units"));
        Value xw = saved(ir, layer, "xw", batch, steps, units.times(4));
        Lstm.Saved saved = new Lstm.Saved(
            xw,
            gates(ir, layer, xw, backwards),
            saved(ir, layer, "c", batch, steps, units),
            saved(ir, layer, "c_activation", batch, steps, units),
            saved(ir, layer, "h", batch, steps, units),
            saved(ir, layer, "dh", batch, units),
            saved(ir, layer, "dc", batch, units),
            saved(ir, layer, "r", batch, units.times(4)));
        Value bias = ir.weight(layer, "bias", weights);
        Value y = ir.value(layer.name(), outputDims(layer, x));
        Lstm.of(x, ir.weight(layer, "kernel", weights), ir.weight(layer, "recurrent_kernel", weights), bias, y, saved,
            config(layer, backwards, bias != null), layer.span()).forEach(ir::add);
        return y;
    }
}

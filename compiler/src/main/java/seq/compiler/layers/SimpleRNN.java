package seq.compiler.layers;

import java.util.List;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.SimpleRnn;
import seq.compiler.types.Size;

/** Keras `SimpleRNN`: h = activation(x · kernel + h · recurrent_kernel + bias). */
public final class SimpleRNN extends Recurrent {
    @Override public String name() { return "SimpleRNN"; }
    @Override protected List<String> gates() { return List.of("state"); }

    @Override public Value lower(Layer layer, Value x, List<Weight> weights, boolean backwards, Lowering ir) {
        Size batch = x.shape().get(0), steps = x.shape().get(1), units = Size.of(layer.args().integer("units"));
        Value xw = saved(ir, layer, "xw", batch, steps, units);
        SimpleRnn.Saved saved = new SimpleRnn.Saved(
            xw,
            gates(ir, layer, xw, backwards),
            saved(ir, layer, "h", batch, steps, units),
            saved(ir, layer, "dh", batch, units));
        Value bias = ir.weight(layer, "bias", weights);
        Value y = ir.value(layer.name(), outputDims(layer, x));
        SimpleRnn.of(x, ir.weight(layer, "kernel", weights), ir.weight(layer, "recurrent_kernel", weights), bias, y, saved,
            config(layer, backwards, bias != null), layer.span()).forEach(ir::add);
        return y;
    }
}

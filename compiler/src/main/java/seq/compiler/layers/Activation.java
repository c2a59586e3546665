package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;

/** Keras `Activation`: an element-wise function; the shape is unchanged. */
public final class Activation extends LayerKind {
    @Override public String name() { return "Activation"; }

    @Override public List<Param> params() {
        return List.of(Param.choice("activation", null, Activations.NAMES));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        return ir.activate(layer, inputs.get(0), null, layer.args().string("activation"), layer.span());
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags)) return null;
        return new Out(in.type(), List.of(), List.of("applies " + layer.args().string("activation") + " to every element; shape unchanged"));
    }
}

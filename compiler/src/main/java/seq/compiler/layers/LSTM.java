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
    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value x = inputs.get(0);
        List<Size> dims = x.shape();
        Size units = Size.of(layer.args().integer("units"));
        List<Size> rows = List.of(dims.get(0), dims.get(1));
        Lstm.Saved saved = new Lstm.Saved(
            ir.saved(layer.name() + "/z", List.of(rows.get(0), rows.get(1), units.times(4))),
            ir.saved(layer.name() + "/c", List.of(rows.get(0), rows.get(1), units)),
            ir.saved(layer.name() + "/h", List.of(rows.get(0), rows.get(1), units)),
            ir.saved(layer.name() + "/dh", List.of(rows.get(0), units)),
            ir.saved(layer.name() + "/dc", List.of(rows.get(0), units)),
            ir.saved(layer.name() + "/dz", List.of(rows.get(0), units.times(4))));
        Value bias = ir.weight(layer, "bias", out.weights());
        Lstm.Config cfg = new Lstm.Config(layer.args().bool("return_sequences"), layer.args().bool("go_backwards"), bias != null,
            Activations.math(Activations.of(layer.args(), "activation")), Activations.math(layer.args().string("recurrent_activation")));
        Value y = ir.value(layer.name(), out.type().dims());
        ir.add(Lstm.of(x, ir.weight(layer, "kernel", out.weights()), ir.weight(layer, "recurrent_kernel", out.weights()), bias,
            y, saved, cfg, layer.span()));
        return y;
    }

    @Override protected List<Param> extraParams() { return List.of(Param.of("unit_forget_bias", Param.Kind.BOOL, true)); }
}

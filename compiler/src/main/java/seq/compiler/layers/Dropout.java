package seq.compiler.layers;

import java.util.List;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Elementwise;

/** Keras `Dropout`: zeroes a fraction `rate` of the inputs in training; the shape is unchanged. */
public final class Dropout extends LayerKind {
    @Override public String name() { return "Dropout"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("rate", Param.Kind.FLOAT).fraction()
                .withHelp("rate is the fraction of inputs dropped in training, in [0, 1): for example `Dropout(0.2)`"),
            Param.of("seed", Param.Kind.OPTIONAL_INT, null));
    }

    /** y = x · mask, the runtime's mask holding 0 or 1 / (1 − rate) in training and 1 otherwise (Keras's inverted dropout). */
    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value x = inputs.get(0);
        Value y = ir.value(layer.name(), x.shape());
        ir.add(Elementwise.map("dropout", layer.span(), List.of(x, ir.noise(layer, x.shape())), a -> Loop.mul(a.get(0), a.get(1)), y));
        return y;
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags)) return null;
        return new Out(in.type(), List.of(), List.of("in training, zeroes each input with probability "
            + layer.args().number("rate") + " and scales the rest up; shape unchanged"));
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Diagnostics;

/** Keras `Dropout`: zeroes a fraction `rate` of the inputs in training; the shape is unchanged. */
public final class Dropout extends LayerKind {
    @Override public String name() { return "Dropout"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("rate", Param.Kind.FLOAT).fraction()
                .withHelp("rate is the fraction of inputs dropped in training, in [0, 1): for example `Dropout(0.2)`"),
            Param.of("seed", Param.Kind.OPTIONAL_INT, null));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags)) return null;
        return new Out(in.type(), List.of(), List.of("in training, zeroes each input with probability "
            + layer.args().number("rate") + " and scales the rest up; shape unchanged"));
    }
}

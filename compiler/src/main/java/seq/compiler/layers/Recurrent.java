package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.ops.Recurrence;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/** What LSTM, GRU and SimpleRNN share: a loop over time of a cell with {@link #gates()} gates. */
public abstract class Recurrent extends LayerKind {
    /** Gate blocks in the kernel's columns, in Keras's order. */
    protected abstract List<String> gates();

    protected List<Param> extraParams() { return List.of(); }

    @Override public final List<Param> params() {
        List<Param> p = new ArrayList<>(List.of(
            Param.required("units", Param.Kind.INT).positive(),
            Activations.param("tanh")));
        if (gates().size() > 1) p.add(Param.choice("recurrent_activation", "sigmoid", Activations.NAMES));
        p.addAll(List.of(
            Param.of("use_bias", Param.Kind.BOOL, true),
            Param.of("return_sequences", Param.Kind.BOOL, false),
            Param.of("go_backwards", Param.Kind.BOOL, false)));
        p.addAll(extraParams());
        return p;
    }

    @Override public final seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        return lower(layer, inputs.get(0), out.weights(), layer.args().bool("go_backwards"), ir);
    }

    /**
     * One pass of the recurrence over {@code x}, reading time backwards when {@code backwards}. The
     * weights are found in {@code weights} and named after {@code layer}, which is how Bidirectional
     * runs two copies under its own names.
     */
    public abstract seq.compiler.ir.Value lower(Layer layer, seq.compiler.ir.Value x, List<Weight> weights, boolean backwards,
                                                Lowering ir);

    /** The layer's flags and activations as its op takes them. */
    protected static Recurrence.Config config(Layer layer, boolean backwards, boolean bias) {
        String activation = Activations.of(layer.args(), "activation");
        String recurrent = layer.args().get("recurrent_activation") == null ? "linear" : layer.args().string("recurrent_activation");
        if (activation.equals("softmax") || recurrent.equals("softmax")) {
            throw new Lowering.NotLowered("`" + layer.kind().name() + "` layers with a `softmax` activation");
        }
        return new Recurrence.Config(layer.args().bool("return_sequences"), backwards, bias, Activations.math(activation),
            Activations.math(recurrent), Activations.slope(activation), Activations.slope(recurrent),
            Activations.slopeFromValue(activation) && Activations.slopeFromValue(recurrent));
    }

    /** [batch, steps, units] with return_sequences, else [batch, units]. */
    protected static List<Size> outputDims(Layer layer, seq.compiler.ir.Value x) {
        Size units = Size.of(layer.args().integer("units"));
        return layer.args().bool("return_sequences") ? List.of(x.shape().get(0), x.shape().get(1), units)
            : List.of(x.shape().get(0), units);
    }

    /** A tensor the forward op saves, or the backward op's scratch, named `layer/what`. */
    protected static seq.compiler.ir.Value saved(Lowering ir, Layer layer, String what, Size... dims) {
        return ir.saved(layer.name() + "/" + what, List.of(dims));
    }

    /**
     * The saved pre-activations (or gates) `layer/z`, shaped as the input product {@code xw}: in xw's own buffer when
     * the layer reads time forwards (step s turns input row s into its z row in place), a buffer of its own when it
     * reads time backwards (step s reads input row T − 1 − s, which must survive step s).
     */
    protected static seq.compiler.ir.Value gates(Lowering ir, Layer layer, seq.compiler.ir.Value xw, boolean backwards) {
        String name = layer.name() + "/z";
        return backwards ? ir.saved(name, xw.shape()) : ir.alias(name, xw.shape(), xw);
    }

    /** Bias shape: one vector of gates × units, except GRU with reset_after. */
    protected long[] biasShape(Layer layer, long width) { return new long[] {width}; }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags)) return null;
        if (in.type().rank() == 2) {
            reportRank2(layer, in, diags);
            return null;
        }
        if (!requireRank(layer, in, diags, "[batch, time, features]", 3)) return null;
        Long features = fixedFeatures(layer, in, 2, diags);
        if (features == null) return null;
        long units = layer.args().integer("units");
        long width = Math.multiplyExact(gates().size(), units);
        List<Weight> weights = new ArrayList<>(List.of(
            Weight.trainable("kernel", features, width),
            Weight.trainable("recurrent_kernel", units, width)));
        if (layer.args().bool("use_bias")) weights.add(Weight.trainable("bias", biasShape(layer, width)));
        boolean sequences = layer.args().bool("return_sequences");
        TensorType out = sequences
            ? in.type().withLast(Size.of(units))
            : in.type().withDims(List.of(in.type().batch(), Size.of(units)));
        List<String> explain = new ArrayList<>();
        explain.add(gates().size() == 1 ? "one " + num(units) + "-unit cell applied at each of " + in.type().dim(1) + " steps"
            : gates().size() + " gates (" + String.join(", ", gates()) + ") of " + num(units) + " units each: "
                + gates().size() + " × " + num(units) + " = " + num(width) + " columns");
        explain.add("kernel " + num(features) + " × " + num(width) + " = " + num(weights.get(0).count()) + " (input features × columns)");
        explain.add("recurrent_kernel " + num(units) + " × " + num(width) + " = " + num(weights.get(1).count()) + " (units × columns)");
        if (weights.size() > 2) explain.add("bias " + biasWords(weights.get(2)));
        explain.add(sequences ? "return_sequences=true: one " + num(units) + "-vector per step"
            : "return_sequences=false: only the last step's " + num(units) + "-vector; the time axis is gone");
        return new Out(out, weights, explain);
    }

    private static String biasWords(Weight bias) {
        return bias.shape().size() == 1 ? num(bias.count())
            : bias.shape().get(0) + " × " + num(bias.shape().get(1)) + " = " + num(bias.count()) + " (input and recurrent biases, reset_after=true)";
    }

    private void reportRank2(Layer layer, Input in, Diagnostics diags) {
        Diagnostic d = Diagnostic.of(Code.S0302, layer.span(), "`" + name() + "` expects a sequence [batch, time, features], found "
            + in.type() + ", which has no time axis");
        Layer source = in.producer() == null ? null : innermostRecurrent(in.producer());
        if (source != null && !source.args().bool("return_sequences")) {
            d = d.withLabel(in.producer().span(), "this returns only its last step (return_sequences is false)")
                .withHelp("set `return_sequences=true` on `" + in.producer().span().text() + "` at line "
                    + in.producer().span().line() + " so it returns every step");
        } else {
            if (in.producer() != null) d = d.withLabel(in.producer().span(), "this produces " + in.type());
            d = d.withHelp("add `RepeatVector(n)` before it to repeat the vector over n steps, or `Reshape(n, k)` to split its "
                + in.type().last() + " features into steps");
        }
        diags.report(d);
    }

    /** The recurrent layer a value comes out of, looking through Bidirectional and TimeDistributed. */
    static Layer innermostRecurrent(Layer layer) {
        if (layer.kind() instanceof Recurrent) return layer;
        if (layer.kind() instanceof Bidirectional || layer.kind() instanceof TimeDistributed) {
            return innermostRecurrent(layer.args().layer("layer"));
        }
        return null;
    }
}

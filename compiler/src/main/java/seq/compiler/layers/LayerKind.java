package seq.compiler.layers;

import java.util.List;
import seq.compiler.ast.Expr;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.Span;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/**
 * One layer kind of the language (Dense, LSTM, Conv1D, ...). Each subclass is the one place that holds
 * the kind's argument schema, its shape rule with Keras 3 semantics, its weights in Keras's layout, and
 * the words `seqc explain` uses to derive them.
 */
public abstract class LayerKind {
    /** The name users write, Keras's class name: `LSTM`, `Conv1D`. */
    public abstract String name();

    /** Keras's auto-name prefix: `lstm`, `conv1d`, `max_pooling1d`. */
    public String prefix() {
        // Keras's to_snake_case, step for step.
        return name().replaceAll("(.)([A-Z][a-z]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }

    public abstract List<Param> params();

    /** How many inputs the layer takes: most take exactly one, merges two or more. */
    public int minInputs() { return 1; }
    public int maxInputs() { return 1; }

    /**
     * The shape rule: the output type, weights and explanation for these inputs, or null after
     * reporting why the inputs do not fit.
     */
    public abstract Out infer(Layer layer, List<Input> inputs, Diagnostics diags);

    /**
     * Lowers one application of this layer to IR ops, returning its output value. Kinds the code
     * generator does not handle yet say so, and `seqc build` reports it.
     */
    public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        throw new Lowering.NotLowered("`" + name() + "` layers");
    }

    /** A layer-specific fix for an argument of the wrong type, or null. */
    public String badArgHelp(Param param, Expr given) { return null; }

    /**
     * When the declared output type differs from the inferred one at {@code axis} and this layer is
     * where they first diverge: the change to this layer that would give {@code wanted}, or null.
     */
    public String fixOutput(Layer layer, Input input, int axis, Size wanted) { return null; }

    // Shared checks, worded the same way for every layer.

    /** Reports unless the input's rank is one of {@code ranks}; {@code shape} names the expected layout. */
    protected static boolean requireRank(Layer layer, Input in, Diagnostics diags, String shape, int... ranks) {
        for (int r : ranks) if (in.type().rank() == r) return true;
        Diagnostic d = Diagnostic.of(Code.S0301, layer.span(), "`" + layer.kind().name() + "` expects input of shape "
            + shape + ", found " + in.type() + " (rank " + in.type().rank() + ")");
        if (in.producer() != null) d = d.withLabel(in.producer().span(), "this produces " + in.type());
        diags.report(d.withHelp(rankHelp(in.type().rank(), ranks[0])));
        return false;
    }

    private static String rankHelp(int found, int wanted) {
        if (found > wanted) return "add `Flatten()` or a global pooling layer before it to drop axes";
        return wanted - found == 1 ? "add `Reshape(..., 1)` before it to add a feature axis, or `RepeatVector(n)` to add a time axis"
            : "add `Reshape(...)` before it to give the input rank " + wanted;
    }

    /** The fixed size of the feature axis, which sizes the weights; null after reporting a symbolic one. */
    protected static Long fixedFeatures(Layer layer, Input in, int axis, Diagnostics diags) {
        Size s = in.type().dim(axis);
        if (s.isConstant()) return s.constant();
        diags.report(Diagnostic.of(Code.S0301, layer.span(), "`" + layer.kind().name() + "` needs a fixed size on axis "
                + axis + " to size its weights, found `" + s + "` in " + in.type())
            .withHelp("declare that axis of the input with an integer size"));
        return null;
    }

    protected static boolean requireFloat(Layer layer, Input in, Diagnostics diags) {
        if (in.type().elem() == TensorType.Elem.F32) return true;
        diags.report(Diagnostic.of(Code.S0308, layer.span(), "`" + layer.kind().name() + "` expects f32 input, found "
                + in.type())
            .withHelp("integer input holds token ids: pass it through `Embedding(input_dim, output_dim)` first"));
        return false;
    }

    protected static String num(long n) {
        return String.format("%,d", n);
    }

    protected static Span argSpan(Layer layer, String name) {
        return layer.args().span(name);
    }
}

package seq.compiler.layers;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** The activation functions a layer's `activation` argument may name, as Keras spells them. */
public final class Activations {
    private Activations() {}

    public static final List<String> NAMES = List.of(
        "linear", "relu", "tanh", "sigmoid", "softmax", "elu", "gelu", "softplus", "swish", "hard_sigmoid");

    private static final List<String> ALLOWED = java.util.stream.Stream.concat(NAMES.stream(), java.util.stream.Stream.of("None")).toList();

    public static Param param(String fallback) {
        return Param.choice("activation", fallback, ALLOWED);
    }

    /** Keras's `activation=None` means linear. */
    public static String of(Args args, String name) {
        String a = args.string(name);
        return a.equals("None") ? "linear" : a;
    }

    /**
     * An element-wise activation as a loop-language expression of its input; its derivative comes
     * from symbolic differentiation. Softmax is not element-wise and has its own op; linear is the
     * identity.
     */
    public static UnaryOperator<Expr> math(String name) {
        return switch (name) {
            case "linear", "None" -> x -> x;
            case "relu" -> x -> max(x, r(0));
            case "tanh" -> x -> fn("tanh", x);
            case "sigmoid" -> Activations::sigmoid;
            case "elu" -> x -> select(cmp(">", x, r(0)), x, sub(fn("exp", x), r(1)));
            // Keras 3's default, the exact form: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)).
            case "gelu" -> x -> mul(mul(r(0.5), x), add(r(1), fn("erf", mul(x, r(1 / Math.sqrt(2))))));
            // log(1 + exp(x)) written so that exp never overflows.
            case "softplus" -> x -> add(max(x, r(0)), fn("log", add(r(1), fn("exp", neg(fn("abs", x))))));
            case "swish" -> x -> mul(x, sigmoid(x));
            // Keras 3: relu6(x + 3) / 6.
            case "hard_sigmoid" -> x -> min(max(add(mul(x, r(1.0 / 6)), r(0.5)), r(0)), r(1));
            default -> throw new IllegalArgumentException("activation " + name + " is not element-wise");
        };
    }

    /** The slopes that need only the activation's value y: one of these saves recomputing the function. */
    private static final java.util.Map<String, BinaryOperator<Expr>> FROM_VALUE = java.util.Map.of(
        "sigmoid", (z, y) -> mul(y, sub(r(1), y)),
        "tanh", (z, y) -> sub(r(1), mul(y, y)),
        "linear", (z, y) -> r(1),
        "None", (z, y) -> r(1));

    /** Whether {@link #slope} of this activation needs only its value y. */
    public static boolean slopeFromValue(String name) {
        return FROM_VALUE.containsKey(name);
    }

    /**
     * d act(z) / dz as an expression of z and of y = act(z): from y alone for sigmoid (y(1 − y)), tanh
     * (1 − y²) and linear (1); otherwise the symbolic derivative in z.
     */
    public static BinaryOperator<Expr> slope(String name) {
        if (slopeFromValue(name)) return FROM_VALUE.get(name);
        UnaryOperator<Expr> d = seq.compiler.ir.ops.Recurrence.slope(math(name));
        return (z, y) -> d.apply(z);
    }

    /** The logistic function, a primitive of the loop language (see Functions.SIGMOID and FastMath.sigmoid). */
    static Expr sigmoid(Expr x) {
        return fn("sigmoid", x);
    }
}

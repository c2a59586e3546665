package seq.compiler.codegen.loops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Activations applied in place to a row segment {@code a[off .. off + n)}, as statements: float32 model
 * classes call the runtime's vectorised rows ({@code seq.runtime.model.Rows}, the same signatures);
 * float64 classes get the loops below. What lets a recurrence apply its gates' activations a row at a
 * time instead of one unit at a time.
 */
public final class RowOps {
    private RowOps() {}

    /** The float32 implementation every call goes to. */
    public static final String RUNTIME = "seq/runtime/model/Rows";

    private static Kernel row(String name, String fn) {
        return new Kernel(name, List.of(p("a", Type.REAL_ARRAY), p("off", Type.INT), p("n", Type.INT)), List.of(
            loop("i", v("n"), store("a", add(v("off"), v("i")), fn(fn, at("a", add(v("off"), v("i"))))))));
    }

    public static final Kernel SIGMOID = row("sigmoidRow", "sigmoid");
    public static final Kernel TANH = row("tanhRow", "tanh");
    public static final List<Kernel> ALL = List.of(SIGMOID, TANH);

    /**
     * The statement applying {@code activation} to the row, if it is one a row can take: sigmoid, tanh, or
     * linear (nothing to do, an empty list); null for any other.
     */
    public static List<Stmt> apply(UnaryOperator<Expr> activation, String a, Expr off, Expr n) {
        Expr probe = activation.apply(v("$z"));
        if (probe.equals(v("$z"))) return List.of();
        if (probe.equals(fn("sigmoid", v("$z")))) return List.of(new Call(SIGMOID.name(), List.of(v(a), off, n)));
        if (probe.equals(fn("tanh", v("$z")))) return List.of(new Call(TANH.name(), List.of(v(a), off, n)));
        return null;
    }
}

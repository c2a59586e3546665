package seq.compiler.codegen.loops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Operations on whole rows, as statements: activations applied in place to a row segment
 * {@code a[off .. off + n)}, and column sums and maxima. float32 model classes call the runtime's vectorised rows
 * ({@code seq.runtime.model.Rows}, the same signatures); float64 classes get the loops below. What lets a
 * recurrence apply its gates' activations a row at a time instead of one unit at a time.
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
    /** {@code db[at + j] += sum over rows r < m of dz[r·n + j]} for j in [j0, j1): a bias's gradient. */
    public static final Kernel COLUMN_SUM = new Kernel("columnSum", List.of(p("dz", Type.REAL_ARRAY), p("m", Type.INT), p("n", Type.INT),
        p("j0", Type.INT), p("j1", Type.INT), p("db", Type.REAL_ARRAY), p("at", Type.INT)), List.of(
        loop("r", v("m"), loop("j", v("j0"), v("j1"), addTo("db", add(v("at"), v("j")), at("dz", idx(v("r"), v("n"), v("j"))))))));

    /**
     * Over the m rows of n columns from {@code x[off]}: {@code y[at + j]}, the maximum of column j
     * ({@code Math.max} row by row), and {@code arg[at + j]}, the first row holding it.
     */
    public static final Kernel COLUMN_MAX = new Kernel("columnMax", List.of(p("x", Type.REAL_ARRAY), p("off", Type.INT), p("m", Type.INT),
        p("n", Type.INT), p("y", Type.REAL_ARRAY), p("arg", Type.REAL_ARRAY), p("at", Type.INT)), List.of(
        loop("j", v("n"), store("y", add(v("at"), v("j")), at("x", add(v("off"), v("j")))), store("arg", add(v("at"), v("j")), r(0))),
        loop("r", i(1), v("m"), loop("j", v("n"),
            let("xv", Type.REAL, at("x", add(v("off"), idx(v("r"), v("n"), v("j"))))),
            let("yv", Type.REAL, at("y", add(v("at"), v("j")))),
            store("arg", add(v("at"), v("j")), select(cmp(">", v("xv"), v("yv")), real(v("r")), at("arg", add(v("at"), v("j"))))),
            store("y", add(v("at"), v("j")), max(v("yv"), v("xv")))))));

    public static final List<Kernel> ALL = List.of(SIGMOID, TANH, COLUMN_SUM, COLUMN_MAX);

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

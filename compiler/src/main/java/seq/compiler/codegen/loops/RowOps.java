package seq.compiler.codegen.loops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Operations on whole rows, as statements: activations applied in place to row segments, column sums
 * and column maxima. float32 model classes call the runtime's vectorised rows
 * ({@code seq.runtime.model.Rows}, the same signatures); float64 classes get the loops below. What lets a
 * recurrence apply a gate's activation to a step's rows of every sample in one call instead of one unit
 * at a time.
 */
public final class RowOps {
    private RowOps() {}

    /** The float32 implementation every call goes to. */
    public static final String RUNTIME = "seq/runtime/model/Rows";

    /** {@code fn} in place on {@code count} segments {@code a[off + k·stride .. + n)}. */
    private static Kernel rows(String name, String fn) {
        return new Kernel(name, List.of(p("a", Type.REAL_ARRAY), p("off", Type.INT), p("n", Type.INT), p("count", Type.INT),
            p("stride", Type.INT)), List.of(loop("k", v("count"), loop("i", v("n"),
                let("at", Type.INT, add(add(v("off"), mul(v("k"), v("stride"))), v("i"))),
                store("a", v("at"), fn(fn, at("a", v("at"))))))));
    }

    public static final Kernel SIGMOID = rows("sigmoidRows", "sigmoid");
    public static final Kernel TANH = rows("tanhRows", "tanh");
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
     * The statement applying {@code activation} to {@code count} segments {@code a[off + k·stride .. + n)},
     * if it is one a row can take: sigmoid, tanh, or linear (nothing to do, an empty list); null for any other.
     */
    public static List<Stmt> apply(UnaryOperator<Expr> activation, String a, Expr off, Expr n, Expr count, Expr stride) {
        Expr probe = activation.apply(v("$z"));
        if (probe.equals(v("$z"))) return List.of();
        if (probe.equals(fn("sigmoid", v("$z")))) return List.of(new Call(SIGMOID.name(), List.of(v(a), off, n, count, stride)));
        if (probe.equals(fn("tanh", v("$z")))) return List.of(new Call(TANH.name(), List.of(v(a), off, n, count, stride)));
        return null;
    }
}

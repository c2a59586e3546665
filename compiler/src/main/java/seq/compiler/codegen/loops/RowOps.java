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

    /** Gate block g (0 to 3: i f g o) of unit q's column, for the LSTM kernels below: the gate's offset from {@code zb}. */
    private static Expr gate(int g, String zb) {
        return g == 0 ? v(zb) : add(v(zb), mul(i(g), v("units")));
    }

    /** Gate g's pre-activation for unit q: (xw + b) + r (the recurrent product) when {@code prev} is nonzero, else xw + b. */
    private static Expr preActivation(int g) {
        Expr in = add(at("xw", gate(g, "xb")), at("b", gate(g, "q")));
        return select(cmp("!=", v("prev"), i(0)), add(in, at("r", gate(g, "rb"))), in);
    }

    /**
     * One LSTM step's gates for {@code count} samples, sigmoid gates and tanh activation: sample k's
     * pre-activations i f g o are its input row (blocks of {@code units} from {@code xw[xAt + k·xStride]})
     * plus the bias, plus the recurrent product in {@code r[rAt + k·rStride]} when {@code prev} is nonzero;
     * the gates' activations go to its block of {@code z} at {@code zAt + k·zStride} (which may be the input
     * row itself), and its rows of c, tanh(c) and h at {@code hAt + k·hStride}; the previous step's c is the
     * row before ({@code units} earlier) when {@code prev} is nonzero, else 0.
     */
    public static final Kernel LSTM_CELL = new Kernel("lstmCell", List.of(p("r", Type.REAL_ARRAY), p("rAt", Type.INT),
        p("rStride", Type.INT), p("xw", Type.REAL_ARRAY), p("xAt", Type.INT), p("xStride", Type.INT), p("b", Type.REAL_ARRAY),
        p("z", Type.REAL_ARRAY), p("zAt", Type.INT), p("zStride", Type.INT),
        p("c", Type.REAL_ARRAY), p("ca", Type.REAL_ARRAY), p("h", Type.REAL_ARRAY), p("hAt", Type.INT),
        p("hStride", Type.INT), p("prev", Type.INT), p("units", Type.INT), p("count", Type.INT)), List.of(
        loop("k", v("count"), loop("q", v("units"),
            let("rb", Type.INT, add(add(v("rAt"), mul(v("k"), v("rStride"))), v("q"))),
            let("zb", Type.INT, add(add(v("zAt"), mul(v("k"), v("zStride"))), v("q"))),
            let("xb", Type.INT, add(add(v("xAt"), mul(v("k"), v("xStride"))), v("q"))),
            let("hb", Type.INT, add(add(v("hAt"), mul(v("k"), v("hStride"))), v("q"))),
            let("ig", Type.REAL, fn("sigmoid", preActivation(0))),
            let("fg", Type.REAL, fn("sigmoid", preActivation(1))),
            let("gg", Type.REAL, fn("tanh", preActivation(2))),
            let("og", Type.REAL, fn("sigmoid", preActivation(3))),
            store("z", gate(0, "zb"), v("ig")), store("z", gate(1, "zb"), v("fg")),
            store("z", gate(2, "zb"), v("gg")), store("z", gate(3, "zb"), v("og")),
            let("cv", Type.REAL, add(mul(v("fg"), select(cmp("!=", v("prev"), i(0)), at("c", sub(v("hb"), v("units"))), r(0))),
                mul(v("ig"), v("gg")))),
            let("cav", Type.REAL, fn("tanh", v("cv"))),
            store("c", v("hb"), v("cv")), store("ca", v("hb"), v("cav")), store("h", v("hb"), mul(v("og"), v("cav")))))));

    /**
     * The backward step of {@link #LSTM_CELL}: from the activations it left in z, c and tanh(c) (and the
     * previous c), and sample k's dh and dc at {@code dAt + k·units}, the pre-activations' gradient into the
     * blocks at {@code dz[dzAt + k·dzStride]} and the gradient reaching the previous c into dc:
     * dc' = dc + dh·o·(1 − ca²); dz = (dc'·g·i(1 − i), dc'·c_prev·f(1 − f), dc'·i·(1 − g²), dh·ca·o(1 − o)); dc = dc'·f.
     */
    public static final Kernel LSTM_CELL_GRAD = new Kernel("lstmCellGrad", List.of(p("z", Type.REAL_ARRAY), p("zAt", Type.INT),
        p("zStride", Type.INT), p("c", Type.REAL_ARRAY), p("ca", Type.REAL_ARRAY), p("hAt", Type.INT), p("hStride", Type.INT),
        p("prev", Type.INT), p("dh", Type.REAL_ARRAY), p("dc", Type.REAL_ARRAY), p("dAt", Type.INT), p("dz", Type.REAL_ARRAY),
        p("dzAt", Type.INT), p("dzStride", Type.INT), p("units", Type.INT), p("count", Type.INT)), List.of(
        loop("k", v("count"), loop("q", v("units"),
            let("zb", Type.INT, add(add(v("zAt"), mul(v("k"), v("zStride"))), v("q"))),
            let("hb", Type.INT, add(add(v("hAt"), mul(v("k"), v("hStride"))), v("q"))),
            let("db", Type.INT, add(add(v("dAt"), mul(v("k"), v("units"))), v("q"))),
            let("dzb", Type.INT, add(add(v("dzAt"), mul(v("k"), v("dzStride"))), v("q"))),
            let("ia", Type.REAL, at("z", gate(0, "zb"))), let("fa", Type.REAL, at("z", gate(1, "zb"))),
            let("ga", Type.REAL, at("z", gate(2, "zb"))), let("oa", Type.REAL, at("z", gate(3, "zb"))),
            let("cav", Type.REAL, at("ca", v("hb"))), let("dhv", Type.REAL, at("dh", v("db"))),
            let("cp", Type.REAL, select(cmp("!=", v("prev"), i(0)), at("c", sub(v("hb"), v("units"))), r(0))),
            let("dcv", Type.REAL, add(at("dc", v("db")), mul(mul(v("dhv"), v("oa")), sub(r(1), mul(v("cav"), v("cav")))))),
            store("dz", gate(0, "dzb"), mul(mul(v("dcv"), v("ga")), mul(v("ia"), sub(r(1), v("ia"))))),
            store("dz", gate(1, "dzb"), mul(mul(v("dcv"), v("cp")), mul(v("fa"), sub(r(1), v("fa"))))),
            store("dz", gate(2, "dzb"), mul(mul(v("dcv"), v("ia")), sub(r(1), mul(v("ga"), v("ga"))))),
            store("dz", gate(3, "dzb"), mul(mul(v("dhv"), v("cav")), mul(v("oa"), sub(r(1), v("oa"))))),
            store("dc", v("db"), mul(v("dcv"), v("fa")))))));

    public static final List<Kernel> ALL = List.of(SIGMOID, TANH, COLUMN_SUM, COLUMN_MAX, LSTM_CELL, LSTM_CELL_GRAD);

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

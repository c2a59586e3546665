package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * MaxPooling1D and AveragePooling1D over [batch, steps, channels]: output step t pools input steps
 * t·stride − pad .. t·stride − pad + size − 1. The left padding is 0 for "valid" and, for "same", half
 * the total padding rounded down (TensorFlow's rule). Padded steps are skipped, as TensorFlow does: the
 * maximum ignores them and the average divides by the steps actually inside the input.
 */
public final class Pool {
    private Pool() {}

    public record Config(int size, int stride, String padding) {}

    private static final Expr X_AT = idx(add(mul(v("b0"), v("Tin")), v("src")), v("C"), v("c"));
    private static final Expr Y_AT = idx(add(mul(v("b0"), v("L")), v("t")), v("C"), v("c"));
    private static final List<String> NAMES = List.of("B", "Tin", "C", "L");

    private static Stmt pad(Config cfg) {
        return let("P", Type.INT, cfg.padding().equals("valid") ? i(0)
            : div(Loop.max(i(0), sub(add(mul(sub(v("L"), i(1)), i(cfg.stride())), i(cfg.size())), v("Tin"))), i(2)));
    }

    /** For each (batch, output step, channel): {@code before}, then {@code perTap} for each window step inside the input, then {@code after}. */
    private static List<Stmt> windows(Config cfg, List<Stmt> before, List<Stmt> perTap, List<Stmt> after) {
        List<Stmt> perOutput = new ArrayList<>(before);
        perOutput.add(loop("k", i(cfg.size()),
            let("src", Type.INT, sub(add(mul(v("t"), i(cfg.stride())), v("k")), v("P"))),
            new If(new And(cmp(">=", v("src"), i(0)), cmp("<", v("src"), v("Tin"))), perTap, List.of())));
        perOutput.addAll(after);
        return List.of(pad(cfg), loop("b0", v("B"), loop("t", v("L"), new For("c", i(0), v("C"), perOutput))));
    }

    private static List<Size> ints(Value x, Value y) {
        return List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2), y.shape().get(1));
    }

    public static Op max(Value x, Value y, Config cfg, Span span) {
        List<Stmt> body = windows(cfg, List.of(let("top", Type.REAL, r(Double.NEGATIVE_INFINITY))),
            List.of(set("top", Loop.max(v("top"), at("x", X_AT)))),
            List.of(store("y", Y_AT, v("top"))));
        return new KernelOp("max_pool", span, List.of(x), List.of(y), List.of("x", "y"), ints(x, y), NAMES, body,
            g -> maxBack(x, y, cfg, span, g), "b0");
    }

    private static List<Op> maxBack(Value x, Value y, Config cfg, Span span, Grads g) {
        if (g.of(x) == null) return List.of();
        // The gradient goes to the first step holding the window's maximum.
        List<Stmt> back = windows(cfg,
            List.of(let("best", Type.INT, i(-1)), let("top", Type.REAL, r(Double.NEGATIVE_INFINITY))),
            List.of(when(cmp(">", at("x", X_AT), v("top")), set("top", at("x", X_AT)), set("best", v("src")))),
            List.of(when(cmp(">=", v("best"), i(0)),
                addTo("dx", idx(add(mul(v("b0"), v("Tin")), v("best")), v("C"), v("c")), at("dy", Y_AT)))));
        return List.of(new KernelOp("max_pool_d", span, List.of(x, g.of(y)), List.of(g.of(x)), List.of("x", "dy", "dx"),
            ints(x, y), NAMES, back, null, "b0"));
    }

    public static Op average(Value x, Value y, Config cfg, Span span) {
        List<Stmt> body = windows(cfg, List.of(let("sum", Type.REAL, r(0))),
            List.of(set("sum", add(v("sum"), at("x", X_AT)))),
            List.of(store("y", Y_AT, div(v("sum"), real(inside(cfg))))));
        return new KernelOp("average_pool", span, List.of(x), List.of(y), List.of("x", "y"), ints(x, y), NAMES, body,
            g -> averageBack(x, y, cfg, span, g), "b0");
    }

    private static List<Op> averageBack(Value x, Value y, Config cfg, Span span, Grads g) {
        if (g.of(x) == null) return List.of();
        List<Stmt> back = windows(cfg, List.of(let("share", Type.REAL, div(at("dy", Y_AT), real(inside(cfg))))),
            List.of(addTo("dx", X_AT, v("share"))), List.of());
        return List.of(new KernelOp("average_pool_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"),
            ints(x, y), NAMES, back, null, "b0"));
    }

    /** How many steps of output step t's window lie inside the input. */
    private static Expr inside(Config cfg) {
        Expr start = sub(mul(v("t"), i(cfg.stride())), v("P"));
        return sub(min(v("Tin"), add(start, i(cfg.size()))), Loop.max(i(0), start));
    }
}

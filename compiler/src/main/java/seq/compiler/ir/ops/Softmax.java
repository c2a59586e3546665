package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;

/** Softmax over the last axis, shifted by the row maximum so exp never overflows. */
public final class Softmax {
    private Softmax() {}

    public static Op of(Value x, Value y, Span span) {
        Expr at = idx(v("r"), v("C"), v("c"));
        List<Stmt> body = List.of(loop("r", v("R"),
            let("top", Type.REAL, at("x", idx(v("r"), v("C"), i(0)))),
            loop("c", v("C"), set("top", max(v("top"), at("x", at)))),
            let("sum", Type.REAL, r(0)),
            loop("c", v("C"), store("y", at, fn("exp", sub(at("x", at), v("top")))), set("sum", add(v("sum"), at("y", at)))),
            loop("c", v("C"), store("y", at, div(at("y", at), v("sum"))))));
        return new KernelOp("softmax", span, List.of(x), List.of(y), List.of("x", "y"), List.of(x.rows(), x.last()),
            List.of("R", "C"), body, g -> {
                if (g.of(x) == null) return List.of();
                // dx = y * (dy - sum_k dy_k y_k)
                List<Stmt> back = List.of(loop("r", v("R"),
                    let("dot", Type.REAL, r(0)),
                    loop("c", v("C"), set("dot", add(v("dot"), mul(at("dy", at), at("y", at))))),
                    loop("c", v("C"), addTo("dx", at, mul(at("y", at), sub(at("dy", at), v("dot")))))));
                return List.of(new KernelOp("softmax_d", span, List.of(y, g.of(y)), List.of(g.of(x)), List.of("y", "dy", "dx"),
                    List.of(x.rows(), x.last()), List.of("R", "C"), back, null));
            });
    }
}

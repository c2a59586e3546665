package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/** Keras's RepeatVector: y[b, k, d] = x[b, d] for k below n; the VJP sums dy over the n copies. */
public final class Repeat {
    private Repeat() {}

    public static Op of(Value x, Value y, Span span) {
        Expr xAt = idx(v("b0"), v("D"), v("d"));
        Expr yAt = idx(add(mul(v("b0"), v("K")), v("k")), v("D"), v("d"));
        List<Size> ints = List.of(x.shape().get(0), y.shape().get(1), x.last());
        List<String> names = List.of("B", "K", "D");
        List<Stmt> body = List.of(loop("b0", v("B"), loop("k", v("K"), loop("d", v("D"), store("y", yAt, at("x", xAt))))));
        return new KernelOp("repeat", span, List.of(x), List.of(y), List.of("x", "y"), ints, names, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("b0", v("B"), loop("k", v("K"), loop("d", v("D"), addTo("dx", xAt, at("dy", yAt))))));
            return List.of(new KernelOp("repeat_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"), ints, names, back, null));
        });
    }
}

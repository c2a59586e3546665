package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/** Time reversal of [batch, steps, ...]: y[b, t] = x[b, T − 1 − t]. Its VJP is the same reversal, adding. */
public final class Flip {
    private Flip() {}

    public static Op of(Value x, Value y, Span span) {
        Expr xAt = idx(add(mul(v("b0"), v("T")), sub(sub(v("T"), i(1)), v("t"))), v("I"), v("n"));
        Expr yAt = idx(add(mul(v("b0"), v("T")), v("t")), v("I"), v("n"));
        List<Size> ints = List.of(x.shape().get(0), x.shape().get(1), rest(x));
        List<String> names = List.of("B", "T", "I");
        List<Stmt> body = List.of(loop("b0", v("B"), loop("t", v("T"), loop("n", v("I"), store("y", yAt, at("x", xAt))))));
        return new KernelOp("flip", span, List.of(x), List.of(y), List.of("x", "y"), ints, names, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("b0", v("B"), loop("t", v("T"), loop("n", v("I"), addTo("dx", xAt, at("dy", yAt))))));
            return List.of(new KernelOp("flip_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"), ints, names, back, null));
        });
    }

    /** Elements per step: the product of the axes after the time axis. */
    private static Size rest(Value x) {
        Size n = Size.of(1);
        for (Size s : x.shape().subList(2, x.shape().size())) n = n.times(s);
        return n;
    }
}

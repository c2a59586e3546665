package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * One input's part of a Concatenate: x, viewed as [outer, width, inner], is copied into the slice
 * [offset, offset + width) of y's joined axis. A Concatenate is one such op per input.
 */
public final class Concat {
    private Concat() {}

    public static Op part(Value x, Value y, int axis, Size offset, Span span) {
        Size outer = Size.of(1), inner = Size.of(1);
        for (int a = 0; a < axis; a++) outer = outer.times(x.shape().get(a));
        for (int a = axis + 1; a < x.shape().size(); a++) inner = inner.times(x.shape().get(a));
        Expr xAt = idx(add(mul(v("o"), v("W")), v("a")), v("I"), v("n"));
        Expr yAt = idx(add(mul(v("o"), v("Y")), add(v("off"), v("a"))), v("I"), v("n"));
        List<Size> ints = List.of(outer, x.shape().get(axis), inner, y.shape().get(axis), offset);
        List<String> names = List.of("O", "W", "I", "Y", "off");
        List<Stmt> body = List.of(loop("o", v("O"), loop("a", v("W"), loop("n", v("I"), store("y", yAt, at("x", xAt))))));
        return new KernelOp("concat_part", span, List.of(x), List.of(y), List.of("x", "y"), ints, names, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("o", v("O"), loop("a", v("W"), loop("n", v("I"), addTo("dx", xAt, at("dy", yAt))))));
            return List.of(new KernelOp("concat_part_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"),
                ints, names, back, null));
        });
    }
}

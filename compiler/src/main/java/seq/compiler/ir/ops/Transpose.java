package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's Permute: output axis a + 1 is input axis order[a] + 1 (the batch never moves). One loop per
 * output axis; the input index is a sum of loop variables times the input strides of the axes they
 * walk. The VJP is the same walk with the copy reversed, adding: the inverse permutation.
 */
public final class Transpose {
    private Transpose() {}

    public static Op of(Value x, Value y, List<Integer> order, Span span) {
        int n = order.size();
        List<Size> features = x.shape().subList(1, x.shape().size());
        Size sample = Size.of(1);
        for (Size s : features) sample = sample.times(s);
        List<Size> ints = new ArrayList<>(List.of(x.shape().get(0), sample));
        List<String> names = new ArrayList<>(List.of("B", "X"));
        for (int a = 0; a < n; a++) {
            ints.add(features.get(order.get(a)));
            names.add("O" + a);
        }
        for (int a = 0; a < n; a++) {
            Size stride = Size.of(1);
            for (Size s : features.subList(order.get(a) + 1, n)) stride = stride.times(s);
            ints.add(stride);
            names.add("S" + a);
        }
        Expr yAt = v("b0"), xAt = mul(v("b0"), v("X"));
        for (int a = 0; a < n; a++) {
            yAt = idx(yAt, v("O" + a), v("a" + a));
            xAt = add(xAt, mul(v("a" + a), v("S" + a)));
        }
        List<Stmt> body = nest(n, store("y", yAt, at("x", xAt)));
        List<Stmt> back = nest(n, addTo("dx", xAt, at("dy", yAt)));
        return new KernelOp("permute", span, List.of(x), List.of(y), List.of("x", "y"), ints, names, body, g ->
            g.of(x) == null ? List.of() : List.of(new KernelOp("permute_d", span, List.of(g.of(y)), List.of(g.of(x)),
                List.of("dy", "dx"), ints, names, back, null)));
    }

    /** {@code inner} inside loops over the batch and each output axis. */
    private static List<Stmt> nest(int axes, Stmt inner) {
        Stmt s = inner;
        for (int a = axes - 1; a >= 0; a--) s = loop("a" + a, v("O" + a), s);
        return List.of(loop("b0", v("B"), s));
    }
}

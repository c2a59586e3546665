package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.codegen.loops.RowOps;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;

/**
 * GlobalMaxPooling1D and GlobalAveragePooling1D over [batch, steps, channels]. Both pools and their gradients
 * are data-parallel over samples (each writes only its own rows): split across threads on the JVM, one work
 * item per sample on a device.
 */
public final class GlobalPool {
    private GlobalPool() {}

    private static final Expr X_AT = idx(add(mul(v("b0"), v("T")), v("t")), v("C"), v("c"));
    private static final Expr Y_AT = idx(v("b0"), v("C"), v("c"));

    /**
     * y is the running maximum of each channel, step by step (rows of x in order, channels innermost), and
     * {@code argmax} the first step holding it, kept for the gradient, which goes to that step alone.
     */
    public static Op max(Value x, Value y, Value argmax, Span span) {
        List<Stmt> body = List.of(loop("b0", v("B"),
            loop("c", v("C"), store("y", Y_AT, at("x", idx(mul(v("b0"), v("T")), v("C"), v("c")))), store("arg", Y_AT, r(0))),
            loop("t", i(1), v("T"), loop("c", v("C"),
                let("xv", Type.REAL, at("x", X_AT)),
                let("yv", Type.REAL, at("y", Y_AT)),
                store("arg", Y_AT, select(cmp(">", v("xv"), v("yv")), real(v("t")), at("arg", Y_AT))),
                store("y", Y_AT, seq.compiler.codegen.loops.Loop.max(v("yv"), v("xv")))))));
        // On the JVM, each sample's steps as one call of the vectorised column maximum.
        Stmt host = loop("b0", v(KernelOp.LO), v(KernelOp.HI), new Call(RowOps.COLUMN_MAX.name(), List.of(v("x"),
            mul(mul(v("b0"), v("T")), v("C")), v("T"), v("C"), v("y"), v("arg"), mul(v("b0"), v("C")))));
        return new KernelOp("global_max", span, List.of(x), List.of(y, argmax), List.of("x", "y", "arg"), ints(x), NAMES, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("b0", v("B"), loop("c", v("C"),
                addTo("dx", idx(add(mul(v("b0"), v("T")), integer(at("arg", Y_AT))), v("C"), v("c")), at("dy", Y_AT)))));
            return List.of(new KernelOp("global_max_d", span, List.of(argmax, g.of(y)), List.of(g.of(x)), List.of("arg", "dy", "dx"),
                ints(x), NAMES, back, null, "b0"));
        }, "b0").withHost(List.of(host));
    }

    public static Op average(Value x, Value y, Span span) {
        List<Stmt> body = List.of(loop("b0", v("B"), loop("c", v("C"),
            let("sum", Type.REAL, r(0)),
            loop("t", v("T"), set("sum", add(v("sum"), at("x", X_AT)))),
            store("y", Y_AT, div(v("sum"), real(v("T")))))));
        return new KernelOp("global_average", span, List.of(x), List.of(y), List.of("x", "y"), ints(x), NAMES, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("b0", v("B"), loop("c", v("C"),
                let("share", Type.REAL, div(at("dy", Y_AT), real(v("T")))),
                loop("t", v("T"), addTo("dx", X_AT, v("share"))))));
            return List.of(new KernelOp("global_average_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"),
                ints(x), NAMES, back, null, "b0"));
        }, "b0");
    }

    private static final List<String> NAMES = List.of("B", "T", "C");

    private static List<seq.compiler.types.Size> ints(Value x) {
        return List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2));
    }
}

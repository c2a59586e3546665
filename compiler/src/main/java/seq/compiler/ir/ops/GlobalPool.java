package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.codegen.loops.RowOps;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
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
        return new Max(x, y, argmax, span);
    }

    /** Global max pooling as an op that {@link seq.compiler.ir.PoolFirst} can recognise. */
    public record Max(Value x, Value y, Value argmax, Span span) implements Op {
        private KernelOp op() {
            return new KernelOp("global_max", span, List.of(x), List.of(y, argmax), List.of("x", "y", "arg"), GlobalPool.ints(x), NAMES,
                maxLoops("x", "y", "arg", "T", "C"), g -> {
                    if (g.of(x) == null) return List.of();
                    List<Stmt> back = List.of(loop("b0", v("B"), loop("c", v("C"),
                        addTo("dx", idx(add(mul(v("b0"), v("T")), integer(at("arg", Y_AT))), v("C"), v("c")), at("dy", Y_AT)))));
                    return List.of(new KernelOp("global_max_d", span, List.of(argmax, g.of(y)), List.of(g.of(x)), List.of("arg", "dy", "dx"),
                        GlobalPool.ints(x), NAMES, back, null, "b0"));
                }, "b0").withHost(List.of(maxHost("x", "y", "arg", "T", "C")));
        }

        @Override public List<Value> inputs() { return List.of(x); }
        @Override public List<Value> outputs() { return List.of(y, argmax); }
        @Override public List<Value> arrays() { return op().arrays(); }
        @Override public List<seq.compiler.types.Size> ints() { return op().ints(); }
        @Override public Loop.Kernel kernel(String name) { return op().kernel(name); }
        @Override public List<Op> vjp(Grads g) { return op().vjp(g); }
        @Override public KernelOp threadSplit() { return op(); }
        @Override public KernelOp asKernel() { return op(); }
        @Override public String show() { return op().show(); }
    }

    /**
     * The pooling's loops over samples b0 (the data-parallel form): array {@code x} of T steps of C channels
     * per sample into {@code y}, the first step of each maximum into {@code arg}.
     */
    public static List<Stmt> maxLoops(String x, String y, String arg, String steps, String channels) {
        Expr xAt = idx(add(mul(v("b0"), v(steps)), v("t")), v(channels), v("c")), yAt = idx(v("b0"), v(channels), v("c"));
        return List.of(loop("b0", v("B"),
            loop("c", v(channels), store(y, yAt, at(x, idx(mul(v("b0"), v(steps)), v(channels), v("c")))), store(arg, yAt, r(0))),
            loop("t", i(1), v(steps), loop("c", v(channels),
                let("xv", Type.REAL, at(x, xAt)),
                let("yv", Type.REAL, at(y, yAt)),
                store(arg, yAt, select(cmp(">", v("xv"), v("yv")), real(v("t")), at(arg, yAt))),
                store(y, yAt, seq.compiler.codegen.loops.Loop.max(v("yv"), v("xv")))))));
    }

    /** {@link #maxLoops} on the JVM over samples [$lo, $hi): each sample's steps as one call of the vectorised column maximum. */
    public static Stmt maxHost(String x, String y, String arg, String steps, String channels) {
        return loop("b0", v(KernelOp.LO), v(KernelOp.HI), new Call(RowOps.COLUMN_MAX.name(), List.of(v(x),
            mul(mul(v("b0"), v(steps)), v(channels)), v(steps), v(channels), v(y), v(arg), mul(v("b0"), v(channels)))));
    }

    public static Op average(Value x, Value y, Span span) {
        List<Stmt> body = List.of(loop("b0", v("B"), loop("c", v("C"),
            let("sum", Type.REAL, r(0)),
            loop("t", v("T"), set("sum", add(v("sum"), at("x", X_AT)))),
            store("y", Y_AT, div(v("sum"), real(v("T")))))));
        return new KernelOp("global_average", span, List.of(x), List.of(y), List.of("x", "y"), GlobalPool.ints(x), NAMES, body, g -> {
            if (g.of(x) == null) return List.of();
            List<Stmt> back = List.of(loop("b0", v("B"), loop("c", v("C"),
                let("share", Type.REAL, div(at("dy", Y_AT), real(v("T")))),
                loop("t", v("T"), addTo("dx", X_AT, v("share"))))));
            return List.of(new KernelOp("global_average_d", span, List.of(g.of(y)), List.of(g.of(x)), List.of("dy", "dx"),
                GlobalPool.ints(x), NAMES, back, null, "b0"));
        }, "b0");
    }

    private static final List<String> NAMES = List.of("B", "T", "C");

    private static List<seq.compiler.types.Size> ints(Value x) {
        return List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2));
    }
}

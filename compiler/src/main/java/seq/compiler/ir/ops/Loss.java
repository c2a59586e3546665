package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.ad.Derivative;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * The loss as the last op of the graph, so its gradient seeds the backward pass directly. Each loss
 * is a per-element term f(prediction, target) summed and scaled as Keras reduces it: a mean over all
 * elements, or for categorical cross-entropy a sum over classes and a mean over samples.
 */
public final class Loss {
    private Loss() {}

    /** Keras clips probabilities to [epsilon, 1 - epsilon] before taking logs. */
    static final double EPSILON = 1e-7;

    public static Op of(String kind, Value pred, Value target, Value loss, Span span) {
        if (kind.equals(SPARSE)) return sparse(pred, target, loss, span);
        Expr term = term(kind, v("p"), v("t"));
        Size count = kind.equals("categorical_crossentropy") ? pred.rows() : pred.size();
        List<Stmt> body = List.of(
            let("sum", Type.REAL, r(0)),
            loop("i", v("N"), let("p", Type.REAL, at("pred", v("i"))), let("t", Type.REAL, at("target", v("i"))),
                set("sum", add(v("sum"), term))),
            store("loss", i(0), div(v("sum"), real(v("C")))));
        return new KernelOp(kind, span, List.of(pred, target), List.of(loss), List.of("pred", "target", "loss"),
            List.of(pred.size(), count), List.of("N", "C"), body, g -> vjp(kind, pred, target, loss, count, span, g));
    }

    private static List<Op> vjp(String kind, Value pred, Value target, Value loss, Size count, Span span, Grads g) {
        if (g.of(pred) == null) return List.of();
        Expr slope = Derivative.of(term(kind, v("p"), v("t")), "p");
        List<Stmt> body = List.of(
            let("scale", Type.REAL, div(at("dloss", i(0)), real(v("C")))),
            loop("i", v("N"), let("p", Type.REAL, at("pred", v("i"))), let("t", Type.REAL, at("target", v("i"))),
                addTo("dpred", v("i"), mul(v("scale"), slope))));
        return List.of(new KernelOp(kind + "_d", span, List.of(pred, target, g.of(loss)), List.of(g.of(pred)),
            List.of("pred", "target", "dloss", "dpred"), List.of(pred.size(), count), List.of("N", "C"), body, null));
    }

    static final String SPARSE = "sparse_categorical_crossentropy";

    /**
     * Sparse categorical cross-entropy: the target holds one class id per row of the prediction (as a
     * real), and the loss is the mean over rows of −log(clip(p[row, id])). An id outside the classes
     * adds nothing, since a kernel cannot report it.
     */
    private static Op sparse(Value pred, Value target, Value loss, Span span) {
        Expr known = new And(cmp(">=", v("id"), i(0)), cmp("<", v("id"), v("C")));
        Expr pAt = idx(v("n"), v("C"), v("id"));
        Expr term = term(SPARSE, v("p"), r(1));
        List<Size> ints = List.of(pred.rows(), pred.last());
        List<String> names = List.of("N", "C");
        List<Stmt> body = List.of(
            let("sum", Type.REAL, r(0)),
            loop("n", v("N"), let("id", Type.INT, integer(at("target", v("n")))),
                when(known, let("p", Type.REAL, at("pred", pAt)), set("sum", add(v("sum"), term)))),
            store("loss", i(0), div(v("sum"), real(v("N")))));
        return new KernelOp(SPARSE, span, List.of(pred, target), List.of(loss), List.of("pred", "target", "loss"), ints, names, body, g -> {
            if (g.of(pred) == null) return List.of();
            List<Stmt> back = List.of(
                let("scale", Type.REAL, div(at("dloss", i(0)), real(v("N")))),
                loop("n", v("N"), let("id", Type.INT, integer(at("target", v("n")))),
                    when(known, let("p", Type.REAL, at("pred", pAt)), addTo("dpred", pAt, mul(v("scale"), Derivative.of(term, "p"))))));
            return List.of(new KernelOp(SPARSE + "_d", span, List.of(pred, target, g.of(loss)), List.of(g.of(pred)),
                List.of("pred", "target", "dloss", "dpred"), ints, names, back, null));
        });
    }

    static Expr term(String kind, Expr p, Expr t) {
        Expr d = sub(p, t);
        Expr clipped = max(min(p, r(1 - EPSILON)), r(EPSILON));
        return switch (kind) {
            case "mse" -> mul(d, d);
            case "mae" -> fn("abs", d);
            // Keras's Huber with delta 1: quadratic within 1 of the target, linear beyond.
            case "huber" -> select(cmp("<=", fn("abs", d), r(1)), mul(r(0.5), mul(d, d)), sub(fn("abs", d), r(0.5)));
            case "binary_crossentropy" -> neg(add(mul(t, fn("log", clipped)), mul(sub(r(1), t), fn("log", sub(r(1), clipped)))));
            case "categorical_crossentropy" -> neg(mul(t, fn("log", clipped)));
            case SPARSE -> neg(fn("log", clipped));
            default -> throw new IllegalArgumentException("loss " + kind + " is not lowered yet");
        };
    }
}

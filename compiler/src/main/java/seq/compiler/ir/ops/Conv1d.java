package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's Conv1D: y[b, t, f] = bias[f] + sum over k, c of x[b, t·stride + k·dilation − pad, c] · W[k, c, f],
 * taps outside the input reading zero. The left padding is 0 for "valid", the whole window for
 * "causal", and half the total padding, rounded down, for "same" (TensorFlow's rule), worked out
 * in the kernel from the bound lengths.
 */
public final class Conv1d {
    private Conv1d() {}

    public record Config(int stride, int dilation, String padding, boolean bias) {}

    private static Expr pad(Config cfg) {
        return switch (cfg.padding()) {
            case "valid" -> i(0);
            case "causal" -> mul(i(cfg.dilation()), sub(v("K"), i(1)));
            default -> div(max(i(0), sub(add(mul(sub(v("L"), i(1)), i(cfg.stride())),
                add(mul(i(cfg.dilation()), sub(v("K"), i(1))), i(1))), v("Tin"))), i(2));
        };
    }

    /** The statements that walk every (batch, output step, tap) whose input step lies inside the input. */
    private static Stmt taps(Config cfg, List<Stmt> inner) {
        List<Stmt> perTap = new ArrayList<>();
        perTap.add(let("src", Type.INT, sub(add(mul(v("t"), i(cfg.stride())), mul(v("k"), i(cfg.dilation()))), v("P"))));
        perTap.add(new If(new And(cmp(">=", v("src"), i(0)), cmp("<", v("src"), v("Tin"))), inner, List.of()));
        return loop("b0", v("B"), loop("t", v("L"), new For("k", i(0), v("K"), perTap)));
    }

    private static final Expr X_AT = idx(add(mul(v("b0"), v("Tin")), v("src")), v("C"), v("c"));
    private static final Expr Y_AT = idx(add(mul(v("b0"), v("L")), v("t")), v("F"), v("f"));
    private static final Expr W_AT = idx(add(mul(v("k"), v("C")), v("c")), v("F"), v("f"));

    public static Op of(Value x, Value kernel, Value bias, Value y, Config cfg, Span span) {
        List<Stmt> body = new ArrayList<>();
        body.add(let("P", Type.INT, pad(cfg)));
        body.add(loop("b0", v("B"), loop("t", v("L"), loop("f", v("F"),
            store("y", idx(add(mul(v("b0"), v("L")), v("t")), v("F"), v("f")), cfg.bias() ? at("bias", v("f")) : r(0))))));
        body.add(taps(cfg, List.of(loop("c", v("C"),
            let("xv", Type.REAL, at("x", X_AT)),
            loop("f", v("F"), addTo("y", Y_AT, mul(v("xv"), at("w", W_AT))))))));
        List<Value> ins = new ArrayList<>(List.of(x, kernel));
        List<String> names = new ArrayList<>(List.of("x", "w"));
        if (cfg.bias()) {
            ins.add(bias);
            names.add("bias");
        }
        names.add("y");
        List<Size> ints = List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2), y.shape().get(1), y.last(),
            kernel.shape().get(0));
        List<String> intNames = List.of("B", "Tin", "C", "L", "F", "K");
        return new KernelOp("conv1d", span, ins, List.of(y), names, ints, intNames, body,
            g -> backward(x, kernel, bias, y, cfg, span, ints, intNames, g), "b0");
    }

    /**
     * The input's gradient (one pass per sample, which only writes that sample's rows of dx), the kernel's
     * (one pass per kernel row (k, c), over every sample and output step) and the bias's (a column sum of dy).
     */
    private static List<Op> backward(Value x, Value kernel, Value bias, Value y, Config cfg, Span span, List<Size> ints,
                                     List<String> intNames, Grads g) {
        List<Op> ops = new ArrayList<>();
        Value dy = g.of(y);
        if (g.of(x) != null) {
            List<Stmt> body = List.of(let("P", Type.INT, pad(cfg)), taps(cfg, List.of(loop("c", v("C"),
                let("acc", Type.REAL, r(0)),
                loop("f", v("F"), set("acc", add(v("acc"), mul(at("dy", Y_AT), at("w", W_AT))))),
                addTo("dx", X_AT, v("acc"))))));
            ops.add(new KernelOp("conv1d_dx", span, List.of(kernel, dy), List.of(g.of(x)), List.of("w", "dy", "dx"), ints, intNames,
                body, null, "b0"));
        }
        List<Stmt> perKernelRow = List.of(
            let("k", Type.INT, div(v("kc"), v("C"))),
            let("c", Type.INT, new Bin('%', v("kc"), v("C"))),
            loop("b0", v("B"), loop("t", v("L"),
                let("src", Type.INT, sub(add(mul(v("t"), i(cfg.stride())), mul(v("k"), i(cfg.dilation()))), v("P"))),
                new If(new And(cmp(">=", v("src"), i(0)), cmp("<", v("src"), v("Tin"))), List.of(
                    let("xv", Type.REAL, at("x", X_AT)),
                    loop("f", v("F"), addTo("dw", W_AT, mul(v("xv"), at("dy", Y_AT))))), List.of()))));
        ops.add(new KernelOp("conv1d_dw", span, List.of(x, dy), List.of(g.of(kernel)), List.of("x", "dy", "dw"), ints, intNames,
            List.of(let("P", Type.INT, pad(cfg)), new For("kc", i(0), mul(v("K"), v("C")), perKernelRow)), null, "kc"));
        if (cfg.bias()) ops.add(ColumnSum.of(dy, g.of(bias), Size.of(0), span));
        return ops;
    }
}

package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.KernelOp.HI;
import static seq.compiler.ir.KernelOp.LO;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.codegen.loops.Gemm;
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

    /** The first output step whose tap {@code k} reads inside the input: t·stride + k·dilation − P ≥ 0. */
    private static Expr tapFrom(Config cfg, Expr k) {
        return div(add(max(sub(v("P"), mul(k, i(cfg.dilation()))), i(0)), i(cfg.stride() - 1)), i(cfg.stride()));
    }

    /** One past the last output step whose tap {@code k} reads inside the input (at most L). */
    private static Expr tapTo(Config cfg, Expr k) {
        Expr last = sub(add(sub(v("Tin"), i(1)), v("P")), mul(k, i(cfg.dilation())));
        return min(v("L"), select(cmp(">=", last, i(0)), add(div(last, i(cfg.stride())), i(1)), i(0)));
    }

    /**
     * For the JVM forms: {@code a0}, {@code a1}, the output steps whose taps all read inside the input. With
     * dilation 1 their windows are consecutive rows of x, so the steps [a0, a1) are one matrix product with
     * inner size K·C (x read in place as its own im2col matrix); with other dilations the range is empty.
     * The same for every sample.
     */
    private static List<Stmt> interior(Config cfg) {
        if (cfg.dilation() != 1) return List.of(let("a0", Type.INT, i(0)), let("a1", Type.INT, i(0)));
        return List.of(let("a0", Type.INT, tapFrom(cfg, i(0))), let("a1", Type.INT, max(v("a0"), tapTo(cfg, sub(v("K"), i(1))))));
    }

    /** Where x's row for output step {@code t} and tap {@code k} of sample b0 starts. */
    private static Expr xRow(Config cfg, Expr t, Expr k) {
        return mul(sub(add(add(mul(v("b0"), v("Tin")), mul(t, i(cfg.stride()))), mul(k, i(cfg.dilation()))), v("P")), v("C"));
    }

    /**
     * For each tap k, after {@code prelude}, {@code product} over the output steps it reads inside the input
     * outside [a0, a1): the steps [tl, min(th, a0)) and [max(tl, a1), th), each called with its first step
     * and its count.
     */
    private static Stmt edges(Config cfg, List<Stmt> prelude, java.util.function.BiFunction<Expr, Expr, Stmt> product) {
        List<Stmt> perTap = new ArrayList<>(prelude);
        perTap.addAll(List.of(
            let("tl", Type.INT, tapFrom(cfg, v("k"))),
            let("th", Type.INT, tapTo(cfg, v("k"))),
            product.apply(v("tl"), sub(min(v("th"), v("a0")), v("tl"))),
            let("tr", Type.INT, max(v("tl"), v("a1"))),
            product.apply(v("tr"), sub(v("th"), v("tr")))));
        return new For("k", i(0), v("K"), perTap);
    }

    private static final Expr X_AT = idx(add(mul(v("b0"), v("Tin")), v("src")), v("C"), v("c"));
    private static final Expr Y_AT = idx(add(mul(v("b0"), v("L")), v("t")), v("F"), v("f"));
    private static final Expr W_AT = idx(add(mul(v("k"), v("C")), v("c")), v("F"), v("f"));

    public static Op of(Value x, Value kernel, Value bias, Value y, Config cfg, Span span) {
        return new Conv(x, kernel, bias, y, cfg, span);
    }

    /** A convolution as an op that {@link seq.compiler.ir.PoolFirst} can recognise. */
    public record Conv(Value x, Value kernel, Value bias, Value y, Config cfg, Span span) implements Op {
        private KernelOp op() {
            return forward(this, null, null);
        }

        @Override public List<Value> inputs() { return op().inputs(); }
        @Override public List<Value> outputs() { return List.of(y); }
        @Override public List<Value> arrays() { return op().arrays(); }
        @Override public List<Size> ints() { return op().ints(); }
        @Override public seq.compiler.codegen.loops.Loop.Kernel kernel(String name) { return op().kernel(name); }
        @Override public List<Op> vjp(Grads g) { return op().vjp(g); }
        @Override public KernelOp threadSplit() { return op(); }
        @Override public KernelOp asKernel() { return op(); }
        @Override public String show() { return op().show(); }
    }

    /**
     * The convolution followed by global max pooling of its output, in one op: per sample, the convolution's
     * rows, then their maximum over steps into {@code pool} and the first step holding it into {@code argmax}.
     * Only the maximum's step receives a gradient, so the gradients skip the convolution's output: the
     * kernel's gradient is a sum over samples and filters of one input window each, not a product over every
     * step (for reference model 5, 90 × 100 × 32 multiply-adds instead of 119 times as many).
     */
    public static KernelOp pooled(Conv conv, Value pool, Value argmax) {
        return forward(conv, pool, argmax);
    }

    private static KernelOp forward(Conv conv, Value pool, Value argmax) {
        Value x = conv.x(), kernel = conv.kernel(), bias = conv.bias(), y = conv.y();
        Config cfg = conv.cfg();
        Span span = conv.span();
        // Every output row of sample b0 starts at the bias.
        Stmt start = loop("t", v("L"), loop("f", v("F"), store("y", Y_AT, cfg.bias() ? at("bias", v("f")) : r(0))));
        List<Stmt> body = new ArrayList<>();
        body.add(let("P", Type.INT, pad(cfg)));
        body.add(loop("b0", v("B"), start));
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
        List<Value> outs = new ArrayList<>(List.of(y));
        if (pool != null) {
            outs.addAll(List.of(pool, argmax));
            names.addAll(List.of("pool", "arg"));
        }
        List<Size> ints = List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2), y.shape().get(1), y.last(),
            kernel.shape().get(0));
        List<String> intNames = List.of("B", "Tin", "C", "L", "F", "K");
        // On the JVM: every sample's rows start at the bias; then, with W packed once, the interior steps of each
        // sample as one product (x read in place as its im2col matrix); then each tap's remaining steps. The
        // parts write disjoint rows, so their order changes no sum.
        List<Stmt> host = new ArrayList<>(List.of(new For("b0", v(LO), v(HI), List.of(start))));
        host.addAll(interior(cfg));
        if (cfg.dilation() == 1) {
            Gemm.View w = new Gemm.View("w", i(0), v("F"), i(1));
            host.add(Gemm.pack(w, mul(v("K"), v("C")), v("F")));
            host.add(new For("b0", v(LO), v(HI), List.of(Gemm.callPacked(
                new Gemm.View("x", xRow(cfg, v("a0"), i(0)), mul(i(cfg.stride()), v("C")), i(1)), w,
                "y", mul(add(mul(v("b0"), v("L")), v("a0")), v("F")), v("F"), sub(v("a1"), v("a0")), v("F"), mul(v("K"), v("C")), true))));
        }
        host.add(new For("b0", v(LO), v(HI), List.of(edges(cfg, List.of(), (t0, count) -> Gemm.call(
            new Gemm.View("x", xRow(cfg, t0, v("k")), mul(i(cfg.stride()), v("C")), i(1)),
            new Gemm.View("w", mul(mul(v("k"), v("C")), v("F")), v("F"), i(1)), "y", mul(add(mul(v("b0"), v("L")), t0), v("F")), v("F"),
            count, v("F"), v("C"), true)))));
        if (pool == null) {
            return new KernelOp("conv1d", span, ins, outs, names, ints, intNames, body,
                g -> backward(x, kernel, bias, y, cfg, span, ints, intNames, g), "b0").withHost(host);
        }
        // Each sample's maximum over its L steps of F filters, once its rows are complete.
        body.addAll(GlobalPool.maxLoops("y", "pool", "arg", "L", "F"));
        host.add(GlobalPool.maxHost("y", "pool", "arg", "L", "F"));
        return new KernelOp("conv1d_max", span, ins, outs, names, ints, intNames, body,
            g -> pooledBackward(x, kernel, bias, pool, argmax, cfg, span, ints, intNames, g), "b0").withHost(host);
    }

    /**
     * The gradients of {@link #pooled}, from the pooling's alone: the maximum of sample b0 and filter f came
     * from step t = arg[b0, f], whose window of x (tap k at step t·stride + k·dilation − P) met column f of
     * every kernel row (k, c). So dW[k, c, f] += Σ_b0 x[b0, src, c] · dp[b0, f] (in parallel over filters),
     * dx[b0, src, c] += Σ_f W[k, c, f] · dp[b0, f] (over samples), and the bias's is dp summed over samples.
     */
    private static List<Op> pooledBackward(Value x, Value kernel, Value bias, Value pool, Value argmax, Config cfg, Span span,
                                           List<Size> ints, List<String> intNames, Grads g) {
        List<Op> ops = new ArrayList<>();
        Value dp = g.of(pool);
        // Per sample and filter: the first input step s0 of the maximum's window and its gradient d, then every tap.
        List<Stmt> head = List.of(
            let("s0", Type.INT, sub(mul(integer(at("arg", idx(v("b0"), v("F"), v("f")))), i(cfg.stride())), v("P"))),
            let("d", Type.REAL, at("dp", idx(v("b0"), v("F"), v("f")))));
        Expr windowAt = idx(add(mul(v("b0"), v("Tin")), v("s0")), v("C"), v("kc"));
        if (g.of(x) != null) {
            List<Stmt> perFilter = new ArrayList<>(head);
            perFilter.add(window(cfg, "dx", X_AT, mul(at("w", W_AT), v("d")), windowAt, mul(at("w", idx(v("kc"), v("F"), v("f"))), v("d"))));
            List<Stmt> body = List.of(let("P", Type.INT, pad(cfg)), loop("b0", v("B"), new For("f", i(0), v("F"), perFilter)));
            ops.add(new KernelOp("conv1d_max_dx", span, List.of(kernel, argmax, dp), List.of(g.of(x)), List.of("w", "arg", "dp", "dx"),
                ints, intNames, body, null, "b0"));
        }
        // In parallel over filters: each sample's window for filter f is read once.
        List<Stmt> perSample = new ArrayList<>(head);
        perSample.add(window(cfg, "dw", W_AT, mul(at("x", X_AT), v("d")), idx(v("kc"), v("F"), v("f")), mul(at("x", windowAt), v("d"))));
        ops.add(new KernelOp("conv1d_max_dw", span, List.of(x, argmax, dp), List.of(g.of(kernel)), List.of("x", "arg", "dp", "dw"),
            ints, intNames, List.of(let("P", Type.INT, pad(cfg)), new For("f", i(0), v("F"), List.of(new For("b0", i(0), v("B"), perSample)))),
            null, "f"));
        if (cfg.bias()) ops.add(ColumnSum.of(dp, g.of(bias), Size.of(0), span));
        return ops;
    }

    /**
     * {@code array[at] += value} for every tap k and channel c of the window that starts at input step s0 (tap k
     * at src, skipped outside the input); with dilation 1 and the whole window inside, one loop over the K·C
     * kernel rows kc instead, whose input rows are consecutive ({@code wholeAt}, {@code wholeValue}).
     */
    private static Stmt window(Config cfg, String array, Expr at, Expr value, Expr wholeAt, Expr wholeValue) {
        Stmt each = loop("k", v("K"), let("src", Type.INT, add(v("s0"), mul(v("k"), i(cfg.dilation())))),
            new If(new And(cmp(">=", v("src"), i(0)), cmp("<", v("src"), v("Tin"))), List.of(loop("c", v("C"), addTo(array, at, value))), List.of()));
        if (cfg.dilation() != 1) return each;
        Expr whole = new And(cmp(">=", v("s0"), i(0)), cmp("<=", add(v("s0"), v("K")), v("Tin")));
        return new If(whole, List.of(loop("kc", mul(v("K"), v("C")), addTo(array, wholeAt, wholeValue))), List.of(each));
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
            // On the JVM, per sample and tap: dx rows += dy rows · W[k]ᵀ over the steps the tap reads inside the input.
            List<Stmt> host = List.of(loop("b0", v(LO), v(HI), loop("k", v("K"),
                let("tl", Type.INT, tapFrom(cfg, v("k"))),
                let("th", Type.INT, tapTo(cfg, v("k"))),
                Gemm.call(new Gemm.View("dy", mul(add(mul(v("b0"), v("L")), v("tl")), v("F")), v("F"), i(1)),
                    new Gemm.View("w", mul(mul(v("k"), v("C")), v("F")), i(1), v("F")), "dx", xRow(cfg, v("tl"), v("k")),
                    mul(i(cfg.stride()), v("C")), sub(v("th"), v("tl")), v("C"), v("F"), true))));
            ops.add(new KernelOp("conv1d_dx", span, List.of(kernel, dy), List.of(g.of(x)), List.of("w", "dy", "dx"), ints, intNames,
                body, null, "b0").withHost(host));
        }
        List<Stmt> perKernelRow = List.of(
            let("k", Type.INT, div(v("kc"), v("C"))),
            let("c", Type.INT, new Bin('%', v("kc"), v("C"))),
            loop("b0", v("B"), loop("t", v("L"),
                let("src", Type.INT, sub(add(mul(v("t"), i(cfg.stride())), mul(v("k"), i(cfg.dilation()))), v("P"))),
                new If(new And(cmp(">=", v("src"), i(0)), cmp("<", v("src"), v("Tin"))), List.of(
                    let("xv", Type.REAL, at("x", X_AT)),
                    loop("f", v("F"), addTo("dw", W_AT, mul(v("xv"), at("dy", Y_AT))))), List.of()))));
        // On the JVM, kernel rows [lo, hi) per sample: the interior steps as one product with x read as its im2col
        // matrix transposed, then each tap's remaining steps (rows c0..c1 of the tap inside the range).
        List<Stmt> perSample = new ArrayList<>(interior(cfg));
        perSample.add(Gemm.call(new Gemm.View("x", add(xRow(cfg, v("a0"), i(0)), v(LO)), i(1), mul(i(cfg.stride()), v("C"))),
            new Gemm.View("dy", mul(add(mul(v("b0"), v("L")), v("a0")), v("F")), v("F"), i(1)), "dw", mul(v(LO), v("F")), v("F"),
            sub(v(HI), v(LO)), v("F"), sub(v("a1"), v("a0")), true));
        // Rows c0..c1 of tap k are the kernel rows of the range that belong to it.
        perSample.add(edges(cfg, List.of(
            let("c0", Type.INT, max(sub(v(LO), mul(v("k"), v("C"))), i(0))),
            let("c1", Type.INT, min(sub(v(HI), mul(v("k"), v("C"))), v("C")))), (t0, count) -> dwPart(cfg, t0, count)));
        ops.add(new KernelOp("conv1d_dw", span, List.of(x, dy), List.of(g.of(kernel)), List.of("x", "dy", "dw"), ints, intNames,
            List.of(let("P", Type.INT, pad(cfg)), new For("kc", i(0), mul(v("K"), v("C")), perKernelRow)), null, "kc")
            .withHost(List.of(loop("b0", v("B"), perSample.toArray(Stmt[]::new)))));
        if (cfg.bias()) ops.add(ColumnSum.of(dy, g.of(bias), Size.of(0), span));
        return ops;
    }

    /** dw rows (k, c0..c1) += x's column block over {@code count} steps from {@code t0}, transposed, · dy rows. */
    private static Stmt dwPart(Config cfg, Expr t0, Expr count) {
        return Gemm.call(new Gemm.View("x", add(xRow(cfg, t0, v("k")), v("c0")), i(1), mul(i(cfg.stride()), v("C"))),
            new Gemm.View("dy", mul(add(mul(v("b0"), v("L")), t0), v("F")), v("F"), i(1)), "dw",
            mul(add(mul(v("k"), v("C")), v("c0")), v("F")), v("F"), sub(v("c1"), v("c0")), v("F"), count, true);
    }
}

package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.KernelOp.HI;
import static seq.compiler.ir.KernelOp.LO;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import seq.compiler.ad.Derivative;
import seq.compiler.codegen.loops.Gemm;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * What the LSTM, GRU and SimpleRNN ops share. A recurrent layer lowers to three parts:
 * <ol>
 *   <li>the input product of every step at once, xw = x · W, a {@code matmul} over [batch · steps] rows
 *       (its VJP gives the kernel's and the input's gradients as two more large products);</li>
 *   <li>the recurrence: a forward kernel with the time loop inside, for each sample b0 and step s adding
 *       the bias and h_{s-1} · U to the input row it reads (tin), applying the gates and saving its per-step
 *       tensors in rows (b0, s); and a backward kernel walking the steps in reverse that writes the
 *       pre-activations' gradient of each step into the rows of xw's gradient. Both touch only their own
 *       sample's rows, so the samples can run in parallel: on OpenCL, one work item per sample
 *       ({@link seq.compiler.codegen.DeviceClass});</li>
 *   <li>the recurrent kernel's and the bias's gradients, each one reduction over every (sample, step)
 *       row after the reverse loop ({@link #recurrentGradient}, {@link ColumnSum}).</li>
 * </ol>
 */
public final class Recurrence {
    private Recurrence() {}

    /**
     * Flags and activations of one recurrent layer (SimpleRNN ignores the recurrent activation), with each
     * activation's slope as a function of its input z and its value y; {@code valueSlopes} when both slopes
     * need only y (sigmoid, tanh, linear), so a forward pass may keep the activations instead of z.
     */
    public record Config(boolean returnSequences, boolean goBackwards, boolean bias,
                         UnaryOperator<Expr> activation, UnaryOperator<Expr> recurrentActivation,
                         BinaryOperator<Expr> activationSlope, BinaryOperator<Expr> recurrentSlope, boolean valueSlopes) {}

    /** The (batch, step) row of the saved tensors, the row before it, and the input row the step reads. */
    static final Expr ROW = add(mul(v("b0"), v("T")), v("s"));
    static final Expr PREV = sub(ROW, i(1));
    static final Expr IN_ROW = add(mul(v("b0"), v("T")), v("tin"));
    /** Where a step's gate block starts in the saved pre-activations, and in the per-sample scratch rows. */
    static final Expr Z_ROW = mul(ROW, v("G"));
    static final Expr XW_ROW = mul(IN_ROW, v("G"));
    /** Where the backward kernels write a step's pre-activation gradient: the row of xw's gradient the step read. */
    static final Expr DZ_ROW = XW_ROW;
    static final Expr H_ROW = mul(v("b0"), v("U"));
    static final Expr HAS_PREV = cmp(">", v("s"), i(0));

    static final List<String> INT_NAMES = List.of("B", "T", "U", "G");

    /** B, T, U (units) and G (gate columns) for an input [batch, steps, features]. */
    static List<Size> ints(Value x, Size units, int gates) {
        return List.of(x.shape().get(0), x.shape().get(1), units, units.times(gates));
    }

    /**
     * Fails unless {@code z} has a buffer of its own or the layer reads time forwards: a forward loop that keeps z in
     * xw's rows writes step s's row, which a layer reading time backwards still has to read at step T − 1 − s.
     */
    static void checkInPlace(Value xw, Value z, Config cfg) {
        if (z.storage().equals(xw.storage()) && cfg.goBackwards()) {
            throw new IllegalArgumentException(z + " can take " + xw + "'s buffer only where each step reads its own row");
        }
    }

    /** The input product of every step, {@code xw = x · kernel}, as one matmul over [batch · steps] rows. */
    static Op inputProduct(Value x, Value kernel, Value xw, Span span) {
        return MatMul.of(x, kernel, xw, span, true);
    }

    /** The hidden state h_{s-1} at unit {@code k}: zero before the first step. */
    static Expr previous(Expr k) {
        return select(HAS_PREV, at("hs", idx(PREV, v("U"), k)), r(0));
    }

    /** The input step that step s reads: s, or the mirror step when the layer reads time backwards. */
    static Stmt inputStep(Config cfg) {
        return let("tin", Type.INT, cfg.goBackwards() ? sub(sub(v("T"), i(1)), v("s")) : v("s"));
    }

    /** The forward kernel's loops around one step. */
    static List<Stmt> forward(Config cfg, List<Stmt> step) {
        List<Stmt> body = new ArrayList<>(List.of(inputStep(cfg)));
        body.addAll(step);
        return List.of(loop("b0", v("B"), new For("s", i(0), v("T"), body)));
    }

    /**
     * The forward kernel's JVM form over samples [lo, hi): each step for all of them together: {@code start}
     * per sample, the recurrent product h_{s-1} · U as one matrix product over the samples, added into their
     * rows of {@code z} (nothing at the first step), then {@code gates}, which covers the samples [lo, hi)
     * itself ({@link #perSample} runs a sample's statements for each).
     */
    static List<Stmt> forwardHost(Config cfg, List<Stmt> start, String z, List<Stmt> gates) {
        return forwardHost(cfg, start, z, mul(add(mul(v(LO), v("T")), v("s")), v("G")), mul(v("T"), v("G")), true, gates);
    }

    /**
     * {@link #forwardHost} with the recurrent product stored into the samples' rows of {@code scratch} (one row
     * of G per sample, reused at every step), for {@code gates} to add to the input rows.
     */
    static List<Stmt> forwardHostInto(Config cfg, String scratch, List<Stmt> gates) {
        return forwardHost(cfg, List.of(), scratch, mul(v(LO), v("G")), v("G"), false, gates);
    }

    private static List<Stmt> forwardHost(Config cfg, List<Stmt> start, String to, Expr toAt, Expr toRow, boolean accumulate,
                                          List<Stmt> gates) {
        Gemm.View u = new Gemm.View("u", i(0), v("G"), i(1));
        Stmt product = when(HAS_PREV, Gemm.callPacked(
            new Gemm.View("hs", mul(add(mul(v(LO), v("T")), sub(v("s"), i(1))), v("U")), mul(v("T"), v("U")), i(1)), u,
            to, toAt, toRow, sub(v(HI), v(LO)), v("G"), v("U"), accumulate));
        List<Stmt> step = new ArrayList<>(List.of(inputStep(cfg)));
        if (!start.isEmpty()) step.add(new For("b0", v(LO), v(HI), start));
        step.add(product);
        step.addAll(gates);
        return List.of(Gemm.pack(u, v("U"), v("G")), new For("s", i(0), v("T"), step));
    }

    /** {@code body} for each sample b0 of [lo, hi). */
    static List<Stmt> perSample(Stmt body) {
        return List.of(new For("b0", v(LO), v(HI), List.of(body)));
    }

    /**
     * The backward kernel's JVM form over samples [lo, hi): scratch rows cleared, then for s = T-1 down to 0,
     * {@code step} per sample (which writes the step's pre-activation gradient dz), then the gradient reaching
     * h_{s-1}, dh = dz · Uᵀ, as one matrix product over the samples (Uᵀ packed once, before the loop).
     */
    static List<Stmt> backwardHost(Config cfg, List<Stmt> clear, List<Stmt> step) {
        return backwardHost(cfg, clear, step, List.of(), "dz", v("tin"), false);
    }

    /** {@link #backwardHost} with {@code allSamples} after the per-sample {@code step}, once for the samples [lo, hi). */
    static List<Stmt> backwardHost(Config cfg, List<Stmt> clear, List<Stmt> step, List<Stmt> allSamples) {
        return backwardHost(cfg, clear, step, allSamples, "dz", v("tin"), false);
    }

    /**
     * {@link #backwardHost} with the step's gradient of the recurrent product in row {@code row} (a step
     * index) of {@code grad}, added into dh ({@code accumulate}) or stored as it.
     */
    static List<Stmt> backwardHost(Config cfg, List<Stmt> clear, List<Stmt> step, List<Stmt> allSamples, String grad, Expr row,
                                   boolean accumulate) {
        Gemm.View ut = new Gemm.View("u", i(0), i(1), v("G"));
        Stmt product = when(HAS_PREV, Gemm.callPacked(
            new Gemm.View(grad, mul(add(mul(v(LO), v("T")), row), v("G")), mul(v("T"), v("G")), i(1)), ut,
            "dh", mul(v(LO), v("U")), v("U"), sub(v(HI), v(LO)), v("U"), v("G"), accumulate));
        return List.of(Gemm.pack(ut, v("G"), v("U")), new For("b0", v(LO), v(HI), List.of(new For("q", i(0), v("U"), clear))),
            new For("r", i(0), v("T"), concat(List.of(let("s", Type.INT, sub(sub(v("T"), i(1)), v("r"))), inputStep(cfg),
                new For("b0", v(LO), v(HI), step)), allSamples, List.of(product))));
    }

    @SafeVarargs
    private static List<Stmt> concat(List<Stmt>... parts) {
        List<Stmt> all = new ArrayList<>();
        for (List<Stmt> part : parts) all.addAll(part);
        return all;
    }

    /** The backward kernel's loops: scratch rows cleared per sample, then step s = T-1 down to 0. */
    static List<Stmt> backward(Config cfg, List<Stmt> clear, List<Stmt> step) {
        List<Stmt> reversed = new ArrayList<>(List.of(let("s", Type.INT, sub(sub(v("T"), i(1)), v("r"))), inputStep(cfg)));
        reversed.addAll(step);
        return List.of(new For("b0", i(0), v("B"), List.of(new For("q", i(0), v("U"), clear), new For("r", i(0), v("T"), reversed))));
    }

    /**
     * {@code to[toAt + j] += from(k) · m[k, col + j]} for k below {@code kHi} and j below {@code n}: a
     * row vector times a column block of a [K, G] matrix. {@code from} may use the loop variable k.
     */
    static Stmt project(String k, Expr kHi, Expr from, String m, Expr col, Expr n, String to, Expr toAt) {
        return loop(k, kHi,
            let(k + "v", Type.REAL, from),
            loop("j", n, addTo(to, add(toAt, v("j")), mul(v(k + "v"), at(m, idx(v(k), v("G"), add(col, v("j"))))))));
    }

    /**
     * For each k below {@code kHi}: {@code prelude}, then the statements {@code use} gives for
     * acc = sum_j dz[dzAt + j] · m[k, col + j] over j below n (the gradient reaching row k's multiplier).
     */
    static Stmt projectBack(String k, Expr kHi, List<Stmt> prelude, String m, Expr col, Expr n, String dz, Expr dzAt,
                            Function<Expr, List<Stmt>> use) {
        List<Stmt> perK = new ArrayList<>(prelude);
        perK.add(let("acc", Type.REAL, r(0)));
        perK.add(loop("j", n, set("acc", add(v("acc"), mul(at(dz, add(dzAt, v("j"))), at(m, idx(v(k), v("G"), add(col, v("j")))))))));
        perK.addAll(use.apply(v("acc")));
        return new For(k, i(0), kHi, perK);
    }

    /** Starts a step's pre-activations {@code to}: the input row the step reads, plus the bias {@code bias} when there is one. */
    static Stmt startStep(Config cfg, String to, String bias) {
        Expr in = at("xw", add(XW_ROW, v("j")));
        return loop("j", v("G"), store(to, add(Z_ROW, v("j")), cfg.bias() ? add(in, at(bias, v("j"))) : in));
    }

    /**
     * du[k, col + j] += sum over samples b0 and steps s of left(b0, s)[k] · dz(b0, s)[j] for j below n, where
     * left is row s−1 of {@code left} (zero at s = 0) when {@code shifted}, else row s; and dz(b0, s) is row
     * (b0, s) of {@code dz}, or the mirrored row (b0, T−1−s) when {@code mirrored}. The recurrent kernel's
     * gradient, in {@link PartialSums} over segments of the samples: two ops.
     */
    static List<Op> recurrentGradient(Value left, boolean shifted, Value dz, boolean mirrored, Value du, Size col, Size n, Span span,
                                      Grads g) {
        Value parts = PartialSums.parts(g, du, col, left.last(), n);
        Expr dzRow = add(mul(v("b0"), v("T")), mirrored ? sub(sub(v("T"), i(1)), v("s")) : v("s"));
        Expr leftRow = add(mul(v("b0"), v("T")), shifted ? sub(v("s"), i(1)) : v("s"));
        Expr part = PartialSums.part(v("U"), v("N"), v("k"), v("j"));
        // Per segment of samples and block of columns: its partial sums zeroed, then every step of its samples added.
        List<Stmt> body = List.of(PartialSums.overItems(v("N"), v("B"), List.of(
            loop("k", v("U"), loop("j", v("j0"), v("j1"), store("parts", part, r(0)))),
            loop("b0", v("first"), v("last"), new For("s", v("S0"), v("T"), List.of(
                loop("k", v("U"),
                    let("hv", Type.REAL, at("h", idx(leftRow, v("U"), v("k")))),
                    loop("j", v("j0"), v("j1"), addTo("parts", part,
                        mul(v("hv"), at("dz", add(mul(dzRow, v("G")), add(v("C0"), v("j"))))))))))))));
        // On the JVM, per segment and sample: leftᵀ · dz over its steps as one product into columns [j0, j1) of
        // parts[sg], stored by the segment's first sample and added by the others; a segment without samples is
        // zeroed by a product over no rows.
        Expr dzFirst = add(mul(v("b0"), v("T")), mirrored ? sub(sub(v("T"), i(1)), v("S0")) : v("S0"));
        Expr into = add(mul(mul(v("sg"), v("U")), v("N")), v("j0")), width = sub(v("j1"), v("j0"));
        List<Stmt> host = List.of(PartialSums.hostSegments(v("N"), v("B"),
            loop("b0", v("first"), v("last"), Gemm.call(
                new Gemm.View("h", mul(add(mul(v("b0"), v("T")), shifted ? sub(v("S0"), i(1)) : v("S0")), v("U")), i(1), v("U")),
                new Gemm.View("dz", add(mul(dzFirst, v("G")), add(v("C0"), v("j0"))), mirrored ? neg(v("G")) : v("G"), i(1)),
                "parts", into, v("N"), v("U"), width, sub(v("T"), v("S0")), min(sub(v("b0"), v("first")), i(1)))),
            when(cmp("==", v("first"), v("last")), Gemm.call(new Gemm.View("h", i(0), i(1), v("U")), new Gemm.View("dz", i(0), v("G"), i(1)),
                "parts", into, v("N"), v("U"), width, i(0), false))));
        KernelOp partial = new KernelOp("recurrent_du", span, List.of(left, dz), List.of(parts), List.of("h", "dz", "parts"),
            List.of(left.shape().get(0), left.shape().get(1), left.last(), dz.last(), col, n, Size.of(shifted ? 1 : 0)),
            List.of("B", "T", "U", "G", "C0", "N", "S0"), body, null, "sb").withHost(host);
        return List.of(partial, PartialSums.sum(parts, du, left.last(), n, dz.last(), col, span));
    }

    /**
     * {@code dh[k] = sum_j dz[dzAt + j] · u[k, j]} for j below n: the gradient that reaches h_{s-1}
     * through the recurrent product (nothing at the first step).
     */
    static Stmt backToHidden(String dz, Expr dzAt, Expr n) {
        return when(HAS_PREV, projectBack("k", v("U"), List.of(), "u", i(0), n, dz, dzAt,
            acc -> List.of(store("dh", add(H_ROW, v("k")), acc))));
    }

    /** Stores unit q's new hidden state as the output: at every step, or only at the last. */
    static Stmt output(Config cfg, Expr h) {
        return cfg.returnSequences() ? store("y", idx(ROW, v("U"), v("q")), h)
            : when(cmp("==", v("s"), sub(v("T"), i(1))), store("y", idx(v("b0"), v("U"), v("q")), h));
    }

    /** Adds the output's gradient at this step into dh, the gradient of the hidden state. */
    static Stmt outputBack(Config cfg) {
        return loop("q", v("U"), addTo("dh", add(H_ROW, v("q")), cfg.returnSequences()
            ? at("dy", idx(ROW, v("U"), v("q")))
            : select(cmp("==", v("s"), sub(v("T"), i(1))), at("dy", idx(v("b0"), v("U"), v("q"))), r(0))));
    }

    /** d act(z) / dz as an expression in z. */
    public static UnaryOperator<Expr> slope(UnaryOperator<Expr> act) {
        Expr d = Derivative.of(act.apply(v("$z")), "$z");
        return z -> substitute(d, z);
    }

    /** {@code e} with the variable `$z` replaced by {@code z}. */
    static Expr substitute(Expr e, Expr z) {
        if (e instanceof Var var) return var.name().equals("$z") ? z : e;
        if (e instanceof Bin b) return new Bin(b.op(), substitute(b.a(), z), substitute(b.b(), z));
        if (e instanceof Neg n) return neg(substitute(n.a(), z));
        if (e instanceof Fn f) return new Fn(f.name(), f.args().stream().map(a -> substitute(a, z)).toList());
        if (e instanceof Cmp c) return cmp(c.op(), substitute(c.a(), z), substitute(c.b(), z));
        if (e instanceof Select s) return select(substitute(s.cond(), z), substitute(s.a(), z), substitute(s.b(), z));
        return e;
    }

    /** A kernel's arrays in parameter order, each with its name: what it reads, then what it writes. */
    static final class Arrays {
        private final List<Value> reads = new ArrayList<>(), writes = new ArrayList<>();
        private final List<String> readNames = new ArrayList<>(), writeNames = new ArrayList<>();

        /** The input product and the recurrent kernel: what every recurrent kernel reads first. */
        static Arrays cell(Value xw, Value recurrent) {
            return new Arrays().read("xw", xw).read("u", recurrent);
        }

        Arrays read(String name, Value v) {
            reads.add(v);
            readNames.add(name);
            return this;
        }

        Arrays write(String name, Value v) {
            writes.add(v);
            writeNames.add(name);
            return this;
        }

        KernelOp op(String label, Span span, List<Size> ints, List<Stmt> body, Function<Grads, List<Op>> rule) {
            List<String> names = new ArrayList<>(readNames);
            names.addAll(writeNames);
            return new KernelOp(label, span, reads, writes, names, ints, INT_NAMES, body, rule, "b0");
        }
    }
}

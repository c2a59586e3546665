package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import seq.compiler.ad.Derivative;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * What the LSTM, GRU and SimpleRNN kernels share. Each is one forward kernel with the time loop
 * inside (for each sample b0, step s reads input step tin) that saves its per-step tensors in rows
 * (b0, s), and one backward kernel walking the steps in reverse with per-sample scratch rows. The
 * products with the kernel and recurrent kernel, and their transposes, are written once here.
 */
public final class Recurrence {
    private Recurrence() {}

    /** Flags and activations of one recurrent layer (SimpleRNN ignores the recurrent activation). */
    public record Config(boolean returnSequences, boolean goBackwards, boolean bias,
                         UnaryOperator<Expr> activation, UnaryOperator<Expr> recurrentActivation) {}

    /** The (batch, step) row of the saved tensors, the row before it, and the input row the step reads. */
    static final Expr ROW = add(mul(v("b0"), v("T")), v("s"));
    static final Expr PREV = sub(ROW, i(1));
    static final Expr IN_ROW = add(mul(v("b0"), v("T")), v("tin"));
    /** Where a step's gate block starts in the saved pre-activations, and in the per-sample scratch rows. */
    static final Expr Z_ROW = mul(ROW, v("G"));
    static final Expr DZ_ROW = mul(v("b0"), v("G"));
    static final Expr H_ROW = mul(v("b0"), v("U"));
    static final Expr HAS_PREV = cmp(">", v("s"), i(0));

    static final List<String> INT_NAMES = List.of("B", "T", "D", "U", "G");

    /** B, T, D (input features), U (units) and G (gate columns) for an input [batch, steps, features]. */
    static List<Size> ints(Value x, Size units, int gates) {
        return List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2), units, units.times(gates));
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
     * The transpose of {@link #project}: {@code dm[k, col + j] += from(k) · dz[dzAt + j]}, and for each k
     * the statements {@code use} gives for acc = sum_j dz[dzAt + j] · m[k, col + j] (the gradient of
     * from(k)); no acc is formed when {@code use} is null. {@code prelude} runs first for each k.
     */
    static Stmt projectBack(String k, Expr kHi, List<Stmt> prelude, Expr from, String m, String dm, Expr col, Expr n,
                            String dz, Expr dzAt, Function<Expr, List<Stmt>> use) {
        List<Stmt> perJ = new ArrayList<>(List.of(
            let("dzv", Type.REAL, at(dz, add(dzAt, v("j")))),
            addTo(dm, idx(v(k), v("G"), add(col, v("j"))), mul(v(k + "v"), v("dzv")))));
        if (use != null) perJ.add(set("acc", add(v("acc"), mul(v("dzv"), at(m, idx(v(k), v("G"), add(col, v("j"))))))));
        List<Stmt> perK = new ArrayList<>(prelude);
        perK.add(let(k + "v", Type.REAL, from));
        if (use != null) perK.add(let("acc", Type.REAL, r(0)));
        perK.add(new For("j", i(0), n, perJ));
        if (use != null) perK.addAll(use.apply(v("acc")));
        return new For(k, i(0), kHi, perK);
    }

    /** Starts a step's pre-activations: the bias (or zero) plus x_tin · kernel. */
    static List<Stmt> inputProduct(Config cfg, String to, String bias) {
        return List.of(
            loop("j", v("G"), store(to, add(Z_ROW, v("j")), cfg.bias() ? at(bias, v("j")) : r(0))),
            project("d", v("D"), at("x", idx(IN_ROW, v("D"), v("d"))), "w", i(0), v("G"), to, Z_ROW));
    }

    /** The backward of {@link #inputProduct}: bias, kernel and, when wanted, input gradients from dz. */
    static List<Stmt> inputProductBack(Config cfg, boolean dxWanted) {
        List<Stmt> s = new ArrayList<>();
        if (cfg.bias()) s.add(loop("j", v("G"), addTo("db", v("j"), at("dz", add(DZ_ROW, v("j"))))));
        s.add(projectBack("d", v("D"), List.of(), at("x", idx(IN_ROW, v("D"), v("d"))), "w", "dw", i(0), v("G"), "dz", DZ_ROW,
            dxWanted ? acc -> List.of(addTo("dx", idx(IN_ROW, v("D"), v("d")), acc)) : null));
        return s;
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
    static UnaryOperator<Expr> slope(UnaryOperator<Expr> act) {
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

        /** x, the kernel and the recurrent kernel: what every recurrent kernel reads first. */
        static Arrays cell(Value x, Value kernel, Value recurrent) {
            return new Arrays().read("x", x).read("w", kernel).read("u", recurrent);
        }

        /** The weights' gradients, and the input's when it has one: what every backward kernel writes last. */
        Arrays gradients(Value x, Value kernel, Value recurrent, Value bias, Grads g) {
            write("dw", g.of(kernel)).write("du", g.of(recurrent));
            if (bias != null) write("db", g.of(bias));
            return g.of(x) != null ? write("dx", g.of(x)) : this;
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
            return new KernelOp(label, span, reads, writes, names, ints, INT_NAMES, body, rule);
        }
    }
}

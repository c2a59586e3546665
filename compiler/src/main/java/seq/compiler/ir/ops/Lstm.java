package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import seq.compiler.ad.Derivative;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's LSTM as one op whose time loop is inside the kernel: for each step, z = x_t·W + h_{t-1}·U + b,
 * gates i f c o (Keras's column order), c_t = f·c_{t-1} + i·g, h_t = o·act(c_t). The forward kernel
 * saves the pre-activations, cells and hidden states; the backward kernel is the reverse time loop
 * (BPTT) over them. These two kernels are the unit the OpenCL issue turns into device kernels.
 */
public final class Lstm {
    private Lstm() {}

    /** What the forward op saves for its backward op. */
    public record Saved(Value z, Value c, Value h, Value dh, Value dc, Value dz) {}

    /** Flags and activations of one LSTM layer. */
    public record Config(boolean returnSequences, boolean goBackwards, boolean bias,
                         UnaryOperator<Expr> activation, UnaryOperator<Expr> recurrentActivation) {}

    public static Op of(Value x, Value kernel, Value recurrent, Value bias, Value y, Saved saved, Config cfg, Span span) {
        Size units = recurrent.shape().get(0);
        List<Value> ins = new ArrayList<>(List.of(x, kernel, recurrent));
        List<String> names = new ArrayList<>(List.of("x", "w", "u"));
        if (cfg.bias()) {
            ins.add(bias);
            names.add("b");
        }
        names.addAll(List.of("y", "zs", "cs", "hs"));
        Expr row = add(mul(v("b0"), v("T")), v("s"));              // (batch, step) row of the saved tensors
        Expr zRow = mul(row, v("G"));
        List<Stmt> step = new ArrayList<>();
        step.add(let("tin", Type.INT, cfg.goBackwards() ? sub(sub(v("T"), i(1)), v("s")) : v("s")));
        step.add(loop("j", v("G"), store("zs", add(zRow, v("j")), cfg.bias() ? at("b", v("j")) : r(0))));
        step.add(loop("d", v("D"),
            let("xv", Type.REAL, at("x", idx(add(mul(v("b0"), v("T")), v("tin")), v("D"), v("d")))),
            loop("j", v("G"), addTo("zs", add(zRow, v("j")), mul(v("xv"), at("w", idx(v("d"), v("G"), v("j"))))))));
        step.add(when(cmp(">", v("s"), i(0)), loop("k", v("U"),
            let("hv", Type.REAL, at("hs", idx(sub(row, i(1)), v("U"), v("k")))),
            loop("j", v("G"), addTo("zs", add(zRow, v("j")), mul(v("hv"), at("u", idx(v("k"), v("G"), v("j")))))))));
        step.add(loop("q", v("U"),
            let("ig", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(zRow, v("q"))))),
            let("fg", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(zRow, add(v("U"), v("q")))))),
            let("gg", Type.REAL, cfg.activation().apply(at("zs", add(zRow, add(mul(i(2), v("U")), v("q")))))),
            let("og", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(zRow, add(mul(i(3), v("U")), v("q")))))),
            let("cprev", Type.REAL, select(cmp(">", v("s"), i(0)), at("cs", idx(sub(row, i(1)), v("U"), v("q"))), r(0))),
            let("cv", Type.REAL, add(mul(v("fg"), v("cprev")), mul(v("ig"), v("gg")))),
            store("cs", idx(row, v("U"), v("q")), v("cv")),
            let("hv", Type.REAL, mul(v("og"), cfg.activation().apply(v("cv")))),
            store("hs", idx(row, v("U"), v("q")), v("hv")),
            cfg.returnSequences() ? store("y", idx(row, v("U"), v("q")), v("hv"))
                : when(cmp("==", v("s"), sub(v("T"), i(1))), store("y", idx(v("b0"), v("U"), v("q")), v("hv")))));
        List<Stmt> body = List.of(loop("b0", v("B"), new For("s", i(0), v("T"), step)));
        List<Size> ints = List.of(x.shape().get(0), x.shape().get(1), x.shape().get(2), units, units.times(4));
        List<String> intNames = List.of("B", "T", "D", "U", "G");
        return new KernelOp("lstm", span, ins, List.of(y, saved.z(), saved.c(), saved.h()), names, ints, intNames, body,
            g -> List.of(backward(x, kernel, recurrent, bias, y, saved, cfg, span, ints, intNames, g)));
    }

    private static Op backward(Value x, Value kernel, Value recurrent, Value bias, Value y, Saved saved, Config cfg,
                               Span span, List<Size> ints, List<String> intNames, Grads g) {
        boolean dxWanted = g.of(x) != null;
        Expr row = add(mul(v("b0"), v("T")), v("s"));
        Expr zRow = mul(row, v("G"));
        Expr dzRow = mul(v("b0"), v("G"));
        Expr hRow = mul(v("b0"), v("U"));
        UnaryOperator<Expr> slopeAct = slope(cfg.activation()), slopeRec = slope(cfg.recurrentActivation());
        List<Stmt> step = new ArrayList<>();
        step.add(let("s", Type.INT, sub(sub(v("T"), i(1)), v("r"))));
        step.add(let("tin", Type.INT, cfg.goBackwards() ? sub(sub(v("T"), i(1)), v("s")) : v("s")));
        step.add(loop("q", v("U"), addTo("dh", add(hRow, v("q")), cfg.returnSequences()
            ? at("dy", idx(row, v("U"), v("q")))
            : select(cmp("==", v("s"), sub(v("T"), i(1))), at("dy", idx(v("b0"), v("U"), v("q"))), r(0)))));
        step.add(loop("q", v("U"),
            let("zi", Type.REAL, at("zs", add(zRow, v("q")))),
            let("zf", Type.REAL, at("zs", add(zRow, add(v("U"), v("q"))))),
            let("zg", Type.REAL, at("zs", add(zRow, add(mul(i(2), v("U")), v("q"))))),
            let("zo", Type.REAL, at("zs", add(zRow, add(mul(i(3), v("U")), v("q"))))),
            let("cv", Type.REAL, at("cs", idx(row, v("U"), v("q")))),
            let("cprev", Type.REAL, select(cmp(">", v("s"), i(0)), at("cs", idx(sub(row, i(1)), v("U"), v("q"))), r(0))),
            let("dhv", Type.REAL, at("dh", add(hRow, v("q")))),
            let("dcv", Type.REAL, add(at("dc", add(hRow, v("q"))),
                mul(mul(v("dhv"), cfg.recurrentActivation().apply(v("zo"))), slopeAct.apply(v("cv"))))),
            store("dz", add(dzRow, v("q")), mul(mul(v("dcv"), cfg.activation().apply(v("zg"))), slopeRec.apply(v("zi")))),
            store("dz", add(dzRow, add(v("U"), v("q"))), mul(mul(v("dcv"), v("cprev")), slopeRec.apply(v("zf")))),
            store("dz", add(dzRow, add(mul(i(2), v("U")), v("q"))),
                mul(mul(v("dcv"), cfg.recurrentActivation().apply(v("zi"))), slopeAct.apply(v("zg")))),
            store("dz", add(dzRow, add(mul(i(3), v("U")), v("q"))),
                mul(mul(v("dhv"), cfg.activation().apply(v("cv"))), slopeRec.apply(v("zo")))),
            store("dc", add(hRow, v("q")), mul(v("dcv"), cfg.recurrentActivation().apply(v("zf"))))));
        if (cfg.bias()) step.add(loop("j", v("G"), addTo("db", v("j"), at("dz", add(dzRow, v("j"))))));
        List<Stmt> perFeature = new ArrayList<>(List.of(
            let("xv", Type.REAL, at("x", idx(add(mul(v("b0"), v("T")), v("tin")), v("D"), v("d")))),
            let("acc", Type.REAL, r(0)),
            loop("j", v("G"),
                let("dzv", Type.REAL, at("dz", add(dzRow, v("j")))),
                addTo("dw", idx(v("d"), v("G"), v("j")), mul(v("xv"), v("dzv"))),
                set("acc", add(v("acc"), mul(v("dzv"), at("w", idx(v("d"), v("G"), v("j")))))))));
        if (dxWanted) perFeature.add(addTo("dx", idx(add(mul(v("b0"), v("T")), v("tin")), v("D"), v("d")), v("acc")));
        step.add(new For("d", i(0), v("D"), perFeature));
        step.add(loop("k", v("U"),
            let("hp", Type.REAL, select(cmp(">", v("s"), i(0)), at("hs", idx(sub(row, i(1)), v("U"), v("k"))), r(0))),
            let("acc", Type.REAL, r(0)),
            loop("j", v("G"),
                let("dzv", Type.REAL, at("dz", add(dzRow, v("j")))),
                addTo("du", idx(v("k"), v("G"), v("j")), mul(v("hp"), v("dzv"))),
                set("acc", add(v("acc"), mul(v("dzv"), at("u", idx(v("k"), v("G"), v("j"))))))),
            // dh now carries the gradient into the previous step.
            store("dh", add(hRow, v("k")), v("acc"))));
        List<Stmt> body = List.of(loop("b0", v("B"),
            loop("q", v("U"), store("dh", add(hRow, v("q")), r(0)), store("dc", add(hRow, v("q")), r(0))),
            new For("r", i(0), v("T"), step)));
        List<Value> reads = new ArrayList<>(List.of(x, kernel, recurrent, saved.z(), saved.c(), saved.h(), g.of(y)));
        List<String> names = new ArrayList<>(List.of("x", "w", "u", "zs", "cs", "hs", "dy"));
        List<Value> writes = new ArrayList<>(List.of(saved.dh(), saved.dc(), saved.dz(), g.of(kernel), g.of(recurrent)));
        names.addAll(List.of("dh", "dc", "dz", "dw", "du"));
        if (cfg.bias()) {
            writes.add(g.of(bias));
            names.add("db");
        }
        if (dxWanted) {
            writes.add(g.of(x));
            names.add("dx");
        }
        return new KernelOp("lstm_d", span, reads, writes, names, ints, intNames, body, null);
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
}

package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.KernelOp.HI;
import static seq.compiler.ir.KernelOp.LO;
import static seq.compiler.ir.ops.Recurrence.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import seq.compiler.codegen.loops.RowOps;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's LSTM: xw = x·W for every step at once, then a kernel with the time loop inside: for each step,
 * z = xw_t + h_{t-1}·U + b, gates i f c o (Keras's column order), c_t = f·c_{t-1} + i·g,
 * h_t = o·act(c_t). The forward kernel saves the pre-activations, cells, their activations and hidden
 * states; the backward kernel is the reverse time loop (BPTT) over them, writing each step's dz into xw's
 * gradient; U's and b's gradients are reductions over those rows (see {@link Recurrence}).
 */
public final class Lstm {
    private Lstm() {}

    /**
     * What the forward op saves for its backward op (z: the gates' pre-activations, or their activations
     * when {@link Config#valueSlopes}; c and its activation ca), the backward op's per-sample scratch rows (dh,
     * dc), and the forward JVM form's (r: a step's recurrent product, [batch, 4·units]).
     */
    public record Saved(Value xw, Value z, Value c, Value ca, Value h, Value dh, Value dc, Value r) {}

    public static List<Op> of(Value x, Value kernel, Value recurrent, Value bias, Value y, Saved saved, Config cfg, Span span) {
        Size units = recurrent.shape().get(0);
        Stmt start = startStep(cfg, "zs", "b");
        List<Stmt> perUnit = new ArrayList<>(List.of(
            let("ig", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(Z_ROW, v("q"))))),
            let("fg", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(Z_ROW, add(v("U"), v("q")))))),
            let("gg", Type.REAL, cfg.activation().apply(at("zs", add(Z_ROW, add(mul(i(2), v("U")), v("q")))))),
            let("og", Type.REAL, cfg.recurrentActivation().apply(at("zs", add(Z_ROW, add(mul(i(3), v("U")), v("q")))))),
            let("cprev", Type.REAL, select(HAS_PREV, at("cs", idx(PREV, v("U"), v("q"))), r(0))),
            let("cv", Type.REAL, add(mul(v("fg"), v("cprev")), mul(v("ig"), v("gg")))),
            store("cs", idx(ROW, v("U"), v("q")), v("cv")),
            let("cav", Type.REAL, cfg.activation().apply(v("cv"))),
            store("cas", idx(ROW, v("U"), v("q")), v("cav")),
            let("hv", Type.REAL, mul(v("og"), v("cav"))),
            store("hs", idx(ROW, v("U"), v("q")), v("hv")),
            output(cfg, v("hv"))));
        if (cfg.valueSlopes()) {
            // The slopes need only the activations: z's rows keep those for the backward pass instead.
            perUnit.addAll(List.of(
                store("zs", add(Z_ROW, v("q")), v("ig")),
                store("zs", add(Z_ROW, add(v("U"), v("q"))), v("fg")),
                store("zs", add(Z_ROW, add(mul(i(2), v("U")), v("q"))), v("gg")),
                store("zs", add(Z_ROW, add(mul(i(3), v("U")), v("q"))), v("og"))));
        }
        Stmt gates = new For("q", i(0), v("U"), perUnit);
        List<Stmt> step = List.of(start,
            when(HAS_PREV, project("k", v("U"), at("hs", idx(PREV, v("U"), v("k"))), "u", i(0), v("G"), "zs", Z_ROW)), gates);
        Arrays arrays = Arrays.cell(saved.xw(), recurrent);
        if (cfg.bias()) arrays.read("b", bias);
        arrays.write("y", y).write("zs", saved.z()).write("cs", saved.c()).write("cas", saved.ca()).write("hs", saved.h());
        boolean fused = kerasDefaults(cfg) && cfg.bias();
        if (fused) arrays.write("rs", saved.r());
        List<Size> ints = ints(x, units, 4);
        checkInPlace(saved.xw(), saved.z(), cfg);
        return List.of(inputProduct(x, kernel, saved.xw(), span),
            arrays.op("lstm", span, ints, forward(cfg, step), g -> backward(x, recurrent, bias, y, saved, cfg, span, ints, g))
                .withHost(fused ? forwardHostInto(cfg, "rs", fusedGates(cfg))
                    : forwardHost(cfg, List.of(start), "zs", hostGates(cfg, gates))));
    }

    /**
     * The JVM form's gates for one step of the samples [lo, hi): with sigmoid, tanh or linear activations,
     * each gate block's activation applied to the step's rows of all the samples in one call (vectorised;
     * see {@link RowOps}), and tanh(c) likewise through h's rows; otherwise {@code gates}, sample by sample
     * and unit by unit.
     */
    private static List<Stmt> hostGates(Config cfg, Stmt gates) {
        Expr u = v("U"), count = sub(v(HI), v(LO)), zStride = mul(v("T"), v("G")), hStride = mul(v("T"), u);
        Expr first = add(mul(v(LO), v("T")), v("s")), z0 = mul(first, v("G")), h0 = mul(first, u);
        List<Stmt> inputForget = RowOps.apply(cfg.recurrentActivation(), "zs", z0, mul(i(2), u), count, zStride);
        List<Stmt> cell = RowOps.apply(cfg.activation(), "zs", add(z0, mul(i(2), u)), u, count, zStride);
        List<Stmt> out = RowOps.apply(cfg.recurrentActivation(), "zs", add(z0, mul(i(3), u)), u, count, zStride);
        List<Stmt> state = RowOps.apply(cfg.activation(), "cas", h0, u, count, hStride);
        if (inputForget == null || cell == null || out == null || state == null) return perSample(gates);
        List<Stmt> all = new ArrayList<>(inputForget);
        all.addAll(cell);
        all.addAll(out);
        // c_t = f·c_{t-1} + i·g, kept in c's row and copied to ca's row, which the activation then takes in place.
        all.add(loop("b0", v(LO), v(HI), loop("q", u,
            let("cp", Type.REAL, select(HAS_PREV, at("cs", idx(PREV, u, v("q"))), r(0))),
            let("cn", Type.REAL, add(mul(at("zs", add(Z_ROW, add(u, v("q")))), v("cp")),
                mul(at("zs", add(Z_ROW, v("q"))), at("zs", add(Z_ROW, add(mul(i(2), u), v("q"))))))),
            store("cs", idx(ROW, u, v("q")), v("cn")),
            store("cas", idx(ROW, u, v("q")), v("cn")))));
        all.addAll(state);
        all.add(loop("b0", v(LO), v(HI), loop("q", u,
            let("hn", Type.REAL, mul(at("zs", add(Z_ROW, add(mul(i(3), u), v("q")))), at("cas", idx(ROW, u, v("q"))))),
            store("hs", idx(ROW, u, v("q")), v("hn")),
            output(cfg, v("hn")))));
        return all;
    }

    /**
     * The JVM form's gates for one step of the samples [lo, hi) with sigmoid gates, tanh and a bias: the
     * whole cell in one call, which adds the input row, the bias and the recurrent product that the step's
     * product stored in the samples' scratch rows, and leaves the gates in z's rows; then h copied to the output.
     */
    private static List<Stmt> fusedGates(Config cfg) {
        Expr u = v("U");
        return List.of(call(RowOps.LSTM_CELL.name(), v("rs"), mul(v(LO), v("G")), v("G"),
                v("xw"), mul(FIRST_INPUT_ROW, v("G")), mul(v("T"), v("G")), v("b"), v("zs"), mul(FIRST_ROW, v("G")), mul(v("T"), v("G")),
                v("cs"), v("cas"), v("hs"), mul(FIRST_ROW, u), mul(v("T"), u), v("s"), u, sub(v(HI), v(LO))),
            loop("b0", v(LO), v(HI), loop("q", u, output(cfg, at("hs", idx(ROW, u, v("q")))))));
    }

    /** The backward step's call of {@link RowOps#LSTM_CELL_GRAD} for the samples [lo, hi), after dh took the output's gradient. */
    private static Stmt fusedGradient() {
        Expr u = v("U");
        return call(RowOps.LSTM_CELL_GRAD.name(), v("zs"), mul(FIRST_ROW, v("G")), mul(v("T"), v("G")), v("cs"), v("cas"),
            mul(FIRST_ROW, u), mul(v("T"), u), v("s"), v("dh"), v("dc"), mul(v(LO), u),
            v("dz"), mul(FIRST_INPUT_ROW, v("G")), mul(v("T"), v("G")), u, sub(v(HI), v(LO)));
    }

    /** The first sample's (lo's) row of step s in the saved tensors, and of the input row the step reads. */
    private static final Expr FIRST_ROW = add(mul(v(LO), v("T")), v("s")), FIRST_INPUT_ROW = add(mul(v(LO), v("T")), v("tin"));

    /** Sigmoid gates and tanh activation, which {@link RowOps#LSTM_CELL} and its gradient compute in one call. */
    private static boolean kerasDefaults(Config cfg) {
        return cfg.recurrentActivation().apply(v("$z")).equals(fn("sigmoid", v("$z")))
            && cfg.activation().apply(v("$z")).equals(fn("tanh", v("$z")));
    }

    private static List<Op> backward(Value x, Value recurrent, Value bias, Value y, Saved saved, Config cfg,
                                     Span span, List<Size> ints, Grads g) {
        UnaryOperator<Expr> act = cfg.activation(), rec = cfg.recurrentActivation();
        BinaryOperator<Expr> slopeAct = cfg.activationSlope(), slopeRec = cfg.recurrentSlope();
        // Each gate's activation once, and the slopes from those values where the activation allows.
        // The forward pass kept the gates' activations in z's rows when their slopes need nothing else, and
        // the cell's activation always.
        UnaryOperator<Expr> kept = z -> z;
        Stmt gates = loop("q", v("U"),
            let("zi", Type.REAL, at("zs", add(Z_ROW, v("q")))),
            let("zf", Type.REAL, at("zs", add(Z_ROW, add(v("U"), v("q"))))),
            let("zg", Type.REAL, at("zs", add(Z_ROW, add(mul(i(2), v("U")), v("q"))))),
            let("zo", Type.REAL, at("zs", add(Z_ROW, add(mul(i(3), v("U")), v("q"))))),
            let("ia", Type.REAL, (cfg.valueSlopes() ? kept : rec).apply(v("zi"))),
            let("fa", Type.REAL, (cfg.valueSlopes() ? kept : rec).apply(v("zf"))),
            let("ga", Type.REAL, (cfg.valueSlopes() ? kept : act).apply(v("zg"))),
            let("oa", Type.REAL, (cfg.valueSlopes() ? kept : rec).apply(v("zo"))),
            let("cv", Type.REAL, at("cs", idx(ROW, v("U"), v("q")))),
            let("ca", Type.REAL, at("cas", idx(ROW, v("U"), v("q")))),
            let("cprev", Type.REAL, select(HAS_PREV, at("cs", idx(PREV, v("U"), v("q"))), r(0))),
            let("dhv", Type.REAL, at("dh", add(H_ROW, v("q")))),
            let("dcv", Type.REAL, add(at("dc", add(H_ROW, v("q"))), mul(mul(v("dhv"), v("oa")), slopeAct.apply(v("cv"), v("ca"))))),
            store("dz", add(DZ_ROW, v("q")), mul(mul(v("dcv"), v("ga")), slopeRec.apply(v("zi"), v("ia")))),
            store("dz", add(DZ_ROW, add(v("U"), v("q"))), mul(mul(v("dcv"), v("cprev")), slopeRec.apply(v("zf"), v("fa")))),
            store("dz", add(DZ_ROW, add(mul(i(2), v("U")), v("q"))), mul(mul(v("dcv"), v("ia")), slopeAct.apply(v("zg"), v("ga")))),
            store("dz", add(DZ_ROW, add(mul(i(3), v("U")), v("q"))), mul(mul(v("dhv"), v("ca")), slopeRec.apply(v("zo"), v("oa")))),
            store("dc", add(H_ROW, v("q")), mul(v("dcv"), v("fa"))));
        // dh then carries the gradient into the previous step.
        List<Stmt> step = List.of(outputBack(cfg), gates, backToHidden("dz", DZ_ROW, v("G")));
        List<Stmt> clear = List.of(store("dh", add(H_ROW, v("q")), r(0)), store("dc", add(H_ROW, v("q")), r(0)));
        // The backward loop stores every step's row of xw's gradient, over the gates it has just read there (or over
        // the input row itself, when z has its own buffer): no buffer of its own, and nothing to zero.
        Value dxw = g.inPlace(saved.xw());
        Arrays arrays = new Arrays().read("u", recurrent)
            .read("zs", saved.z()).read("cs", saved.c()).read("cas", saved.ca()).read("hs", saved.h()).read("dy", g.of(y))
            .write("dh", saved.dh()).write("dc", saved.dc()).write("dz", dxw);
        List<Op> ops = new ArrayList<>(List.of(arrays.op("lstm_d", span, ints, Recurrence.backward(cfg, clear, step), null)
                .withHost(kerasDefaults(cfg) ? backwardHost(cfg, clear, List.of(outputBack(cfg)), List.of(fusedGradient()))
                    : backwardHost(cfg, clear, List.of(outputBack(cfg), gates)))));
        ops.addAll(recurrentGradient(saved.h(), true, dxw, cfg.goBackwards(), g.of(recurrent), Size.of(0), ints.get(3), span, g));
        if (bias != null) ops.add(ColumnSum.of(dxw, g.of(bias), Size.of(0), span));
        return ops;
    }
}

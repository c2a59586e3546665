package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.ops.Recurrence.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's GRU: xw = x·W for every step at once, then a kernel with the time loop inside, gates z
 * (update), r (reset), h (candidate) in Keras's column order. Per step the input part xz = xw_t + b_in
 * and the recurrent part hz are saved separately, because the reset gate scales only the recurrent
 * part of the candidate:
 * <ul>
 *   <li>reset_after (Keras 3's default): hz = h_{t-1}·U + b_rec, hh = act(xz_h + r ⊙ hz_h);</li>
 *   <li>otherwise: hz_zr = h_{t-1}·U_zr, hz_h = (r ⊙ h_{t-1})·U_h, hh = act(xz_h + hz_h), b_in being the only bias.</li>
 * </ul>
 * Then z = σ(xz_z + hz_z), r = σ(xz_r + hz_r) and h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh. The backward
 * kernel is the reverse time loop over the saved tensors; it writes each step's input-part gradient
 * into xw's gradient and its recurrent-part gradient into {@code dhz}, the rows U's and the biases'
 * gradients are reduced from (see {@link Recurrence}).
 */
public final class Gru {
    private Gru() {}

    /**
     * What the forward op saves: the input product xw, the input and recurrent parts, the hidden states,
     * and (reset_before only, else null) r ⊙ h_{t-1}; the backward op's per-sample scratch rows dh and
     * dzc (the candidate's recurrent product), and dhz, every step's recurrent-part gradient.
     */
    public record Saved(Value xw, Value xz, Value hz, Value h, Value rh, Value dh, Value dzc, Value dhz) {}

    private static final Expr U2 = mul(i(2), v("U"));

    /** Saved pre-activation parts at unit {@code k} of gate block {@code gate} (0 z, 1 r, 2 h) of this step. */
    private static Expr xz(int gate, Expr k) { return at("xz", add(Z_ROW, add(mul(i(gate), v("U")), k))); }
    private static Expr hz(int gate, Expr k) { return at("hz", add(Z_ROW, add(mul(i(gate), v("U")), k))); }

    public static List<Op> of(Value x, Value kernel, Value recurrent, Value bias, Value y, Saved saved, Config cfg,
                              boolean resetAfter, Span span) {
        Size units = recurrent.shape().get(0);
        UnaryOperator<Expr> rec = cfg.recurrentActivation();
        List<Stmt> start = List.of(startStep(cfg, "xz", "b"),
            loop("j", v("G"), store("hz", add(Z_ROW, v("j")), cfg.bias() && resetAfter ? at("b", add(v("G"), v("j"))) : r(0))));
        List<Stmt> step = new ArrayList<>(start);
        Expr hPrev = at("hs", idx(PREV, v("U"), v("k")));
        step.add(when(HAS_PREV, project("k", v("U"), hPrev, "u", i(0), resetAfter ? v("G") : U2, "hz", Z_ROW)));
        if (!resetAfter) {
            Expr rhAt = idx(ROW, v("U"), v("k"));
            step.add(loop("k", v("U"), store("rh", rhAt, select(HAS_PREV, mul(rec.apply(add(xz(1, v("k")), hz(1, v("k")))), hPrev), r(0)))));
            step.add(when(HAS_PREV, project("k", v("U"), at("rh", rhAt), "u", U2, v("U"), "hz", add(Z_ROW, U2))));
        }
        Stmt gates = loop("q", v("U"),
            let("zg", Type.REAL, rec.apply(add(xz(0, v("q")), hz(0, v("q"))))),
            let("rg", Type.REAL, rec.apply(add(xz(1, v("q")), hz(1, v("q"))))),
            let("hh", Type.REAL, cfg.activation().apply(add(xz(2, v("q")), resetAfter ? mul(v("rg"), hz(2, v("q"))) : hz(2, v("q"))))),
            let("hv", Type.REAL, add(mul(v("zg"), previous(v("q"))), mul(sub(r(1), v("zg")), v("hh")))),
            store("hs", idx(ROW, v("U"), v("q")), v("hv")),
            output(cfg, v("hv")));
        step.add(gates);
        Arrays arrays = Arrays.cell(saved.xw(), recurrent);
        if (cfg.bias()) arrays.read("b", bias);
        arrays.write("y", y).write("xz", saved.xz()).write("hz", saved.hz()).write("hs", saved.h());
        if (!resetAfter) arrays.write("rh", saved.rh());
        List<Size> ints = ints(x, units, 3);
        var op = arrays.op(resetAfter ? "gru" : "gru_reset_before", span, ints, forward(cfg, step),
            g -> backward(recurrent, bias, y, saved, cfg, resetAfter, span, ints, g));
        // On the JVM (reset_after only: the other form's candidate product waits for each sample's reset gate),
        // each step's h_{t-1} · U as one product over the samples, into the recurrent parts' rows.
        return List.of(inputProduct(x, kernel, saved.xw(), span), resetAfter ? op.withHost(forwardHost(cfg, start, "hz", perSample(gates))) : op);
    }

    private static List<Op> backward(Value recurrent, Value bias, Value y, Saved saved, Config cfg,
                                     boolean resetAfter, Span span, List<Size> ints, Grads g) {
        UnaryOperator<Expr> rec = cfg.recurrentActivation(), slopeAct = slope(cfg.activation()), slopeRec = slope(rec);
        List<Stmt> step = new ArrayList<>();
        step.add(outputBack(cfg));
        Stmt gates = loop("q", v("U"),
            let("zp", Type.REAL, add(xz(0, v("q")), hz(0, v("q")))),
            let("rp", Type.REAL, add(xz(1, v("q")), hz(1, v("q")))),
            let("zg", Type.REAL, rec.apply(v("zp"))),
            let("rg", Type.REAL, rec.apply(v("rp"))),
            let("hc", Type.REAL, hz(2, v("q"))),
            let("ap", Type.REAL, add(xz(2, v("q")), resetAfter ? mul(v("rg"), v("hc")) : v("hc"))),
            let("dhv", Type.REAL, at("dh", add(H_ROW, v("q")))),
            let("da", Type.REAL, mul(mul(v("dhv"), sub(r(1), v("zg"))), slopeAct.apply(v("ap")))),
            store("dz", add(DZ_ROW, v("q")), mul(mul(v("dhv"), sub(previous(v("q")), cfg.activation().apply(v("ap")))), slopeRec.apply(v("zp")))),
            store("dz", add(DZ_ROW, add(v("U"), v("q"))), resetAfter ? mul(mul(v("da"), v("hc")), slopeRec.apply(v("rp"))) : r(0)),
            store("dz", add(DZ_ROW, add(U2, v("q"))), v("da")),
            store("dzc", add(H_ROW, v("q")), resetAfter ? mul(v("da"), v("rg")) : v("da")),
            // dh now starts the gradient into the previous step with its direct path through z.
            store("dh", add(H_ROW, v("q")), mul(v("dhv"), v("zg"))));
        step.add(gates);
        if (resetAfter) {
            step.add(when(HAS_PREV, projectBack("k", v("U"), List.of(), "u", U2, v("U"), "dzc", H_ROW,
                acc -> List.of(addTo("dh", add(H_ROW, v("k")), acc)))));
        } else {
            // The candidate's recurrent product reads r ⊙ h_{t-1}, so its gradient also reaches the reset gate.
            List<Stmt> prelude = List.of(
                let("rpk", Type.REAL, add(xz(1, v("k")), hz(1, v("k")))),
                let("rgk", Type.REAL, rec.apply(v("rpk"))),
                let("hpk", Type.REAL, previous(v("k"))));
            step.add(projectBack("k", v("U"), prelude, "u", U2, v("U"), "dzc", H_ROW,
                acc -> List.of(
                    addTo("dh", add(H_ROW, v("k")), mul(acc, v("rgk"))),
                    store("dz", add(DZ_ROW, add(v("U"), v("k"))), mul(mul(acc, v("hpk")), slopeRec.apply(v("rpk")))))));
        }
        step.add(when(HAS_PREV, projectBack("k", v("U"), List.of(), "u", i(0), U2, "dz", DZ_ROW,
            acc -> List.of(addTo("dh", add(H_ROW, v("k")), acc)))));
        // The recurrent part's gradient of this step: dz for the update and reset gates, dzc for the candidate.
        List<Stmt> copy = List.of(loop("j", U2, store("dhz", add(Z_ROW, v("j")), at("dz", add(DZ_ROW, v("j"))))),
            loop("j", v("U"), store("dhz", add(Z_ROW, add(U2, v("j"))), at("dzc", add(H_ROW, v("j"))))));
        step.addAll(copy);
        Value dxw = g.of(saved.xw());
        Arrays arrays = new Arrays().read("u", recurrent)
            .read("xz", saved.xz()).read("hz", saved.hz()).read("hs", saved.h()).read("dy", g.of(y))
            .write("dh", saved.dh()).write("dzc", saved.dzc()).write("dhz", saved.dhz()).write("dz", dxw);
        List<Op> ops = new ArrayList<>();
        List<Stmt> clear = List.of(store("dh", add(H_ROW, v("q")), r(0)));
        var op = arrays.op(resetAfter ? "gru_d" : "gru_reset_before_d", span, ints, Recurrence.backward(cfg, clear, step), null);
        // On the JVM (reset_after): a step's recurrent-part gradient row [dz_z, dz_r, dzc] is exactly what
        // reaches h_{t-1} through U, so dh += dhz · Uᵀ is one product over the samples.
        List<Stmt> perSample = new ArrayList<>(List.of(outputBack(cfg), gates));
        perSample.addAll(copy);
        ops.add(resetAfter ? op.withHost(backwardHost(cfg, clear, perSample, List.of(), "dhz", v("s"), true)) : op);
        Size units = ints.get(2), g3 = ints.get(3);
        if (resetAfter) {
            ops.addAll(recurrentGradient(saved.h(), true, saved.dhz(), false, g.of(recurrent), Size.of(0), g3, span, g));
        } else {
            ops.addAll(recurrentGradient(saved.h(), true, saved.dhz(), false, g.of(recurrent), Size.of(0), units.times(2), span, g));
            ops.addAll(recurrentGradient(saved.rh(), false, saved.dhz(), false, g.of(recurrent), units.times(2), units, span, g));
        }
        if (bias != null) {
            ops.add(ColumnSum.of(dxw, g.of(bias), Size.of(0), span));
            if (resetAfter) ops.add(ColumnSum.of(saved.dhz(), g.of(bias), g3, span));
        }
        return ops;
    }
}

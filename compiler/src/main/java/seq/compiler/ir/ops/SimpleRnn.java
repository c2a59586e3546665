package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.ops.Recurrence.*;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's SimpleRNN: xw = x·W for every step at once, then a kernel with the time loop inside:
 * z = xw_t + h_{t-1}·U + b, h_t = act(z). The forward kernel saves z and h; the backward kernel is the
 * reverse time loop, writing each step's dz into xw's gradient (see {@link Recurrence}).
 */
public final class SimpleRnn {
    private SimpleRnn() {}

    /** What the forward op saves for its backward op, and the backward op's per-sample scratch rows. */
    public record Saved(Value xw, Value z, Value h, Value dh) {}

    public static List<Op> of(Value x, Value kernel, Value recurrent, Value bias, Value y, Saved saved, Config cfg, Span span) {
        Size units = recurrent.shape().get(0);
        checkInPlace(saved.xw(), saved.z(), cfg);
        Stmt start = startStep(cfg, "zs", "b");
        Stmt cell = loop("q", v("U"),
            let("hv", Type.REAL, cfg.activation().apply(at("zs", add(Z_ROW, v("q"))))),
            store("hs", idx(ROW, v("U"), v("q")), v("hv")),
            output(cfg, v("hv")));
        List<Stmt> step = List.of(start,
            when(HAS_PREV, project("k", v("U"), at("hs", idx(PREV, v("U"), v("k"))), "u", i(0), v("G"), "zs", Z_ROW)), cell);
        Arrays arrays = Arrays.cell(saved.xw(), recurrent);
        if (cfg.bias()) arrays.read("b", bias);
        arrays.write("y", y).write("zs", saved.z()).write("hs", saved.h());
        List<Size> ints = ints(x, units, 1);
        return List.of(inputProduct(x, kernel, saved.xw(), span),
            arrays.op("simple_rnn", span, ints, forward(cfg, step), g -> backward(recurrent, bias, y, saved, cfg, span, ints, g))
                .withHost(forwardHost(cfg, List.of(start), "zs", perSample(cell))));
    }

    private static List<Op> backward(Value recurrent, Value bias, Value y, Saved saved, Config cfg,
                                     Span span, List<Size> ints, Grads g) {
        Stmt cell = loop("q", v("U"), store("dz", add(DZ_ROW, v("q")),
            mul(at("dh", add(H_ROW, v("q"))), slope(cfg.activation()).apply(at("zs", add(Z_ROW, v("q")))))));
        // dh then carries the gradient into the previous step.
        List<Stmt> step = List.of(outputBack(cfg), cell, backToHidden("dz", DZ_ROW, v("G")));
        List<Stmt> clear = List.of(store("dh", add(H_ROW, v("q")), r(0)));
        // The backward loop stores every step's row of xw's gradient, over the pre-activations it has just read there
        // (or over the input row itself, when z has its own buffer): no buffer of its own, and nothing to zero.
        Value dxw = g.inPlace(saved.xw());
        Arrays arrays = new Arrays().read("u", recurrent)
            .read("zs", saved.z()).read("hs", saved.h()).read("dy", g.of(y))
            .write("dh", saved.dh()).write("dz", dxw);
        List<Op> ops = new ArrayList<>(List.of(
            arrays.op("simple_rnn_d", span, ints, Recurrence.backward(cfg, clear, step), null)
                .withHost(backwardHost(cfg, clear, List.of(outputBack(cfg), cell)))));
        ops.addAll(recurrentGradient(saved.h(), true, dxw, cfg.goBackwards(), g.of(recurrent), Size.of(0), ints.get(3), span, g));
        if (bias != null) ops.add(ColumnSum.of(dxw, g.of(bias), Size.of(0), span));
        return ops;
    }
}

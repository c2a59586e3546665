package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.ops.Transpose;
import seq.compiler.types.Size;

/** Keras `Permute`: reorders the axes after the batch, numbered from 1. */
public final class Permute extends LayerKind {
    @Override public String name() { return "Permute"; }

    @Override public List<Param> params() {
        return List.of(Param.of("dims", Param.Kind.DIMS, null));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        int n = in.type().rank() - 1;
        Value given = layer.args().get("dims");
        List<Long> dims = given instanceof Value.Ints ints ? ints.values() : List.of();
        boolean[] seen = new boolean[n + 1];
        boolean ok = dims.size() == n;
        for (long d : dims) {
            if (d < 1 || d > n || seen[(int) d]) ok = false; else seen[(int) d] = true;
        }
        if (!ok) {
            List<String> identity = new ArrayList<>();
            for (int i = n; i >= 1; i--) identity.add(String.valueOf(i));
            diags.report(Diagnostic.of(Code.S0203, given.span(), "`Permute` needs an order of the axes 1.." + n + " of "
                    + in.type() + ", each once, found (" + String.join(", ", dims.stream().map(String::valueOf).toList()) + ")")
                .withHelp(n >= 2 ? "for example `Permute(" + String.join(", ", identity) + ")`; axis 0, the batch, never moves"
                    : "an input with one axis after the batch has nothing to permute"));
            return null;
        }
        List<Size> out = new ArrayList<>();
        out.add(in.type().batch());
        for (long d : dims) out.add(in.type().dim((int) d));
        return new Out(in.type().withDims(out), List.of(), List.of("reorders the axes: " + in.type() + " → " + in.type().withDims(out)));
    }

    @Override public seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        List<Integer> order = ((Value.Ints) layer.args().get("dims")).values().stream().map(d -> Math.toIntExact(d - 1)).toList();
        seq.compiler.ir.Value y = ir.value(layer.name(), out.type().dims());
        ir.add(Transpose.of(inputs.get(0), y, order, layer.span()));
        return y;
    }
}

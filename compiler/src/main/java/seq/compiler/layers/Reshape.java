package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.types.Size;

/** Keras `Reshape`: the same elements in memory order, read into new axes; one size may be -1. */
public final class Reshape extends LayerKind {
    @Override public String name() { return "Reshape"; }

    @Override public List<Param> params() {
        return List.of(Param.of("target_shape", Param.Kind.DIMS, null));
    }

    /** Memory order is unchanged, so the output shares the input's buffer. */
    @Override public seq.compiler.ir.Value lower(Layer layer, List<seq.compiler.ir.Value> inputs, Out out, Lowering ir) {
        return ir.alias(layer.name(), out.type().dims(), inputs.get(0));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!(layer.args().get("target_shape") instanceof Value.Ints target) || target.values().isEmpty()) {
            diags.report(Diagnostic.of(Code.S0204, layer.span(), "`Reshape` needs the target sizes")
                .withHelp("list the sizes after the batch, e.g. `Reshape(10, 2)`"));
            return null;
        }
        List<Long> want = target.values();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < want.size(); i++) {
            long d = want.get(i);
            if (d == -1 && inferred == -1) {
                inferred = i;
            } else if (d <= 0) {
                diags.report(Diagnostic.of(Code.S0203, target.span(), "`Reshape` sizes must be positive (or one -1), found " + d)
                    .withHelp("use -1 for at most one size Seq should work out"));
                return null;
            } else {
                known = Math.multiplyExact(known, d);
            }
        }
        Size count = in.type().sampleSize();
        List<Size> dims = new ArrayList<>();
        dims.add(in.type().batch());
        for (long d : want) dims.add(Size.of(d));
        String shown = "(" + String.join(", ", want.stream().map(String::valueOf).toList()) + ")";
        if (inferred >= 0) {
            Optional<Size> rest = count.exactDiv(known);
            if (rest.isEmpty() || (rest.get().isConstant() && rest.get().constant() <= 0)) {
                diags.report(Diagnostic.of(Code.S0303, target.span(), "`Reshape` cannot divide the input's " + count
                        + " elements per sample into parts of " + known)
                    .withLabel(in.span(), "this has shape " + in.type())
                    .withHelp("make the known sizes multiply to a divisor of " + count));
                return null;
            }
            dims.set(inferred + 1, rest.get());
        } else if (!Size.of(known).equals(count)) {
            diags.report(Diagnostic.of(Code.S0303, target.span(), "`Reshape` to " + shown + " holds " + num(known)
                    + " elements per sample, but its input " + in.type() + " holds " + count)
                .withLabel(in.span(), "this has " + count + " elements per sample")
                .withHelp(count.isConstant() ? "the target sizes must multiply to " + count + "; use -1 for one size to have it inferred"
                    : "use -1 for the size that should absorb `" + count + "`"));
            return null;
        }
        List<Size> out = dims;
        warnInterleave(layer, in, out.subList(1, out.size()), diags);
        return new Out(in.type().withDims(out), List.of(), List.of(
            "reads the " + count + " elements of each sample in memory order into " + in.type().withDims(out)
                + (inferred >= 0 ? "; -1 becomes " + count + " / " + known + " = " + dims.get(inferred + 1) : "")));
    }

    /**
     * A reshape that swaps two axes in size, e.g. (40, 2) → (2, 40, 1), does not transpose: it reads the
     * interleaved steps of both series into each "series". Users almost always wanted Permute.
     */
    private static void warnInterleave(Layer layer, Input in, List<Size> target, Diagnostics diags) {
        List<Integer> axes = new ArrayList<>();
        List<Size> from = in.type().features();
        for (int i = 0; i < from.size(); i++) if (!from.get(i).equals(Size.of(1))) axes.add(i);
        List<Size> to = target.stream().filter(s -> !s.equals(Size.of(1))).toList();
        if (axes.size() != 2 || to.size() != 2) return;
        Size a = from.get(axes.get(0)), b = from.get(axes.get(1));
        if (!a.isConstant() || !b.isConstant() || a.equals(b) || !to.get(0).equals(b) || !to.get(1).equals(a)) return;
        List<String> perm = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            int p = i == axes.get(0) ? axes.get(1) : i == axes.get(1) ? axes.get(0) : i;
            perm.add(String.valueOf(p + 1));
        }
        String permute = "Permute(" + String.join(", ", perm) + ")";
        boolean plainSwap = target.size() == from.size() && to.size() == target.size();
        diags.report(Diagnostic.of(Code.S0902, layer.span(), "this `Reshape` does not swap the axes of sizes " + a + " and " + b
                + ": it reads " + in.type() + " in memory order into " + in.type().withDims(prepend(in.type().batch(), target))
                + ", which interleaves values of different " + (axes.get(1) == from.size() - 1 ? "features" : "rows")
                + " instead of separating them")
            .withHelp(plainSwap ? "to swap the axes, write `" + permute + "` instead"
                : "move the features first with `" + permute + "`, then `Reshape`"));
    }

    private static List<Size> prepend(Size first, List<Size> rest) {
        List<Size> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}

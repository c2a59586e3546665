package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Concat;
import seq.compiler.types.Size;

/** Keras `Concatenate`: inputs that agree on every axis but `axis` are joined along it. */
public final class Concatenate extends LayerKind {
    @Override public String name() { return "Concatenate"; }
    @Override public int minInputs() { return 2; }
    @Override public int maxInputs() { return Integer.MAX_VALUE; }

    @Override public List<Param> params() {
        return List.of(Param.of("axis", Param.Kind.INT, -1));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input first = inputs.get(0);
        int rank = first.type().rank();
        long given = layer.args().integer("axis");
        long axis = given < 0 ? rank + given : given;
        if (axis < 1 || axis >= rank) {
            diags.report(Diagnostic.of(Code.S0203, layer.args().span("axis"), "`axis` of `Concatenate` must name an axis after the batch of "
                    + first.type() + " (1.." + (rank - 1) + " or -1..-" + (rank - 1) + "), found " + given)
                .withHelp("use `axis=-1` to join features"));
            return null;
        }
        Size total = Size.of(0);
        List<String> parts = new ArrayList<>();
        for (Input in : inputs) {
            if (!Merge.agree(layer, first, in, (int) axis, diags)) return null;
            total = total.plus(in.type().dim((int) axis));
            parts.add(in.type().dim((int) axis).toString());
        }
        return new Out(first.type().withDims(replace(first.type().dims(), (int) axis, total)), List.of(), List.of(
            "joins " + inputs.size() + " inputs along axis " + axis + ": " + String.join(" + ", parts) + " = " + total));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value y = ir.value(layer.name(), out.type().dims());
        int rank = out.type().rank();
        long given = layer.args().integer("axis");
        int axis = (int) (given < 0 ? rank + given : given);
        Size offset = Size.of(0);
        for (Value x : inputs) {
            ir.add(Concat.part(x, y, axis, offset, layer.span()));
            offset = offset.plus(x.shape().get(axis));
        }
        return y;
    }

    private static List<Size> replace(List<Size> dims, int axis, Size size) {
        List<Size> out = new ArrayList<>(dims);
        out.set(axis, size);
        return out;
    }
}

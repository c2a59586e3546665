package seq.compiler.layers;

import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Elementwise;

/** What Add and Multiply share: two or more inputs of one shape, combined element by element. */
public abstract class Merge extends LayerKind {
    protected abstract String operation();

    @Override public int minInputs() { return 2; }
    @Override public int maxInputs() { return Integer.MAX_VALUE; }
    @Override public List<Param> params() { return List.of(); }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value y = ir.value(layer.name(), out.type().dims());
        boolean sum = operation().equals("adds");
        ir.add(Elementwise.map(layer.kind().prefix(), layer.span(), inputs, a -> a.stream()
            .reduce((p, q) -> sum ? Loop.add(p, q) : Loop.mul(p, q)).orElseThrow(), y));
        return y;
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        for (Input in : inputs) if (!agree(layer, inputs.get(0), in, -1, diags)) return null;
        return new Out(inputs.get(0).type(), List.of(), List.of(operation() + " " + inputs.size()
            + " inputs of shape " + inputs.get(0).type() + " element by element"));
    }

    /** Reports unless {@code other} has the shape of {@code first} on every axis except {@code except}. */
    static boolean agree(Layer layer, Input first, Input other, int except, Diagnostics diags) {
        boolean same = first.type().rank() == other.type().rank() && first.type().elem() == other.type().elem();
        int mismatch = -1;
        for (int i = 0; same && i < first.type().rank(); i++) {
            if (i != except && !first.type().dim(i).equals(other.type().dim(i))) {
                same = false;
                mismatch = i;
            }
        }
        if (same) return true;
        String what = mismatch >= 0 ? "they differ on axis " + mismatch + ": " + first.type().dim(mismatch) + " and " + other.type().dim(mismatch)
            : first.type().rank() != other.type().rank() ? "they have ranks " + first.type().rank() + " and " + other.type().rank()
            : "their element types differ";
        diags.report(Diagnostic.of(Code.S0306, layer.span(), "`" + layer.kind().name() + "` inputs do not match: " + what)
            .withLabel(first.span(), "this is " + first.type())
            .withLabel(other.span(), "this is " + other.type())
            .withHelp(except >= 0 ? "inputs must agree on every axis except axis " + except
                + "; give the branches the same padding (e.g. `padding=\"same\"`) or add a `Reshape`"
                : "inputs must have the same shape; adjust the branches so their shapes agree"));
        return false;
    }
}

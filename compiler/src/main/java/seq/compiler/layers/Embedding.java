package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Lookup;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/** Keras `Embedding`: integer ids in [0, input_dim) → rows of an (input_dim, output_dim) table. */
public final class Embedding extends LayerKind {
    @Override public String name() { return "Embedding"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("input_dim", Param.Kind.INT).positive().withHelp("input_dim is the vocabulary size: ids are in [0, input_dim)"),
            Param.required("output_dim", Param.Kind.INT).positive().withHelp("output_dim is the length of each embedding vector"));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (in.type().elem() != TensorType.Elem.I32) {
            diags.report(Diagnostic.of(Code.S0308, layer.span(), "`Embedding` looks up integer ids, found f32 input " + in.type())
                .withLabel(in.span(), "this is f32")
                .withHelp("declare the model input as integer ids: `x: i32" + in.type() + "`"));
            return null;
        }
        long vocab = layer.args().integer("input_dim");
        long width = layer.args().integer("output_dim");
        List<Size> dims = new ArrayList<>(in.type().dims());
        dims.add(Size.of(width));
        Weight table = Weight.trainable("embeddings", vocab, width);
        return new Out(TensorType.f32(dims), List.of(table), List.of(
            "replaces each id with its row of the table: a new last axis of " + num(width),
            "embeddings " + num(vocab) + " × " + num(width) + " = " + num(table.count()) + " (input_dim × output_dim)"));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value y = ir.value(layer.name(), out.type().dims());
        ir.add(Lookup.of(inputs.get(0), ir.weight(layer, "embeddings", out.weights()), y, layer.span()));
        return y;
    }
}

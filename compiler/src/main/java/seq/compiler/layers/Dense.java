package seq.compiler.layers;

import java.util.List;
import seq.compiler.ast.Expr;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.MatMul;
import seq.compiler.types.Size;

/** Keras `Dense`: a matrix product over the last axis; other axes pass through. */
public final class Dense extends LayerKind {
    @Override public String name() { return "Dense"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("units", Param.Kind.INT).positive(),
            Activations.param("linear"),
            Param.of("use_bias", Param.Kind.BOOL, true));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags) || !requireRank(layer, in, diags, "[batch, ..., features]", 2, 3, 4, 5, 6)) return null;
        Long features = fixedFeatures(layer, in, in.type().rank() - 1, diags);
        if (features == null) return null;
        long units = layer.args().integer("units");
        boolean bias = layer.args().bool("use_bias");
        Weight kernel = Weight.trainable("kernel", features, units);
        List<Weight> weights = bias ? List.of(kernel, Weight.trainable("bias", units)) : List.of(kernel);
        return new Out(in.type().withLast(Size.of(units)), weights, List.of(
            "maps the last axis, " + num(features) + " features, to " + num(units) + " units"
                + (in.type().rank() > 2 ? "; the other axes pass through" : ""),
            "kernel " + num(features) + " × " + num(units) + " = " + num(kernel.count()) + " (input features × units)",
            bias ? "bias " + num(units) + " (one per unit)" : "no bias (use_bias=false)"));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Value x = inputs.get(0);
        Value kernel = ir.weight(layer, "kernel", out.weights());
        Value product = ir.value(layer.name() + "/matmul", out.type().dims());
        ir.add(MatMul.of(x, kernel, product, layer.span()));
        return ir.activate(layer, product, ir.weight(layer, "bias", out.weights()), Activations.of(layer.args(), "activation"), layer.span());
    }

    @Override public String badArgHelp(Param param, Expr given) {
        if (!param.name().equals("units") || !(given instanceof Expr.Tuple t)) return null;
        long product = 1;
        StringBuilder dims = new StringBuilder();
        for (Expr item : t.items()) {
            if (!(item instanceof Expr.Int i) || i.value() <= 0) return null;
            product *= i.value();
            dims.append(dims.length() == 0 ? "" : ", ").append(i.value());
        }
        return "`Dense` produces one vector per sample; write `Dense(" + product + ")` then `Reshape(" + dims + ")`";
    }

    @Override public String fixOutput(Layer layer, Input input, int axis, Size wanted) {
        if (axis != input.type().rank() - 1 || !wanted.isConstant()) return null;
        return "give this layer " + wanted + " units: `Dense(" + wanted + ")`";
    }
}

package seq.compiler.layers;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Conv1d;
import seq.compiler.types.Size;

/** Keras `Conv1D` over [batch, steps, channels]; kernel layout (kernel_size, in_channels, filters). */
public final class Conv1D extends LayerKind {
    @Override public String name() { return "Conv1D"; }

    @Override public List<Param> params() {
        return List.of(
            Param.required("filters", Param.Kind.INT).positive(),
            Param.required("kernel_size", Param.Kind.INTS).positive()
                .withHelp("kernel_size is the number of steps each filter spans, e.g. `Conv1D(32, 3)`"),
            Param.of("strides", Param.Kind.INTS, 1).positive(),
            Param.choice("padding", "valid", List.of("valid", "same", "causal")),
            Param.of("dilation_rate", Param.Kind.INTS, 1).positive(),
            Activations.param("linear"),
            Param.of("use_bias", Param.Kind.BOOL, true));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags) || !requireRank(layer, in, diags, "[batch, steps, channels]", 3)) return null;
        Long channels = fixedFeatures(layer, in, 2, diags);
        if (channels == null) return null;
        Args a = layer.args();
        long filters = a.integer("filters");
        long k = a.ints("kernel_size").get(0);
        long stride = a.ints("strides").get(0);
        long dilation = a.ints("dilation_rate").get(0);
        if (stride > 1 && dilation > 1) {
            diags.report(Diagnostic.of(Code.S0203, a.span("dilation_rate"), "`Conv1D` cannot combine strides > 1 with dilation_rate > 1")
                .withHelp("keep one of them at 1, as Keras requires"));
            return null;
        }
        long span = Math.addExact(Math.multiplyExact(dilation, k - 1), 1);
        Windows.Length length = Windows.of(layer, in.type().dim(1), k, dilation, stride, a.string("padding"), "kernel_size", diags);
        if (length == null) return null;
        Weight kernel = Weight.trainable("kernel", k, channels, filters);
        List<Weight> weights = new ArrayList<>(List.of(kernel));
        if (a.bool("use_bias")) weights.add(Weight.trainable("bias", filters));
        List<String> explain = new ArrayList<>();
        if (dilation > 1) explain.add("dilation_rate " + dilation + " spreads the " + k + " taps over " + dilation
            + " × (" + k + " - 1) + 1 = " + span + " steps");
        explain.add("steps: " + length.words());
        explain.add("features: each of the " + num(filters) + " filters spans all " + num(channels)
            + " input channels, so the feature axis becomes " + num(filters));
        explain.add("kernel " + k + " × " + num(channels) + " × " + num(filters) + " = " + num(kernel.count())
            + " (kernel_size × input channels × filters)");
        explain.add(weights.size() > 1 ? "bias " + num(filters) + " (one per filter)" : "no bias (use_bias=false)");
        List<Size> dims = List.of(in.type().batch(), length.size(), Size.of(filters));
        return new Out(in.type().withDims(dims), weights, explain);
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Args a = layer.args();
        Value bias = ir.weight(layer, "bias", out.weights());
        Value conv = ir.value(layer.name() + "/conv", out.type().dims());
        ir.add(Conv1d.of(inputs.get(0), ir.weight(layer, "kernel", out.weights()), bias, conv,
            new Conv1d.Config(Math.toIntExact(a.ints("strides").get(0)), Math.toIntExact(a.ints("dilation_rate").get(0)),
                a.string("padding"), bias != null), layer.span()));
        return ir.activate(layer, conv, null, Activations.of(a, "activation"), layer.span());
    }

    @Override public String fixOutput(Layer layer, Input input, int axis, Size wanted) {
        if (axis == 2 && wanted.isConstant()) return "give this layer " + wanted + " filters";
        if (axis != 1 || !layer.args().string("padding").equals("valid")) return null;
        long stride = layer.args().ints("strides").get(0);
        if (!input.type().dim(1).ceilDiv(stride).equals(wanted)) return null;
        return "use `padding=\"causal\"` (or `padding=\"same\"`) on this `Conv1D` to keep " + wanted + " steps";
    }
}

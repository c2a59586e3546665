package seq.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.Node;
import seq.compiler.check.TrainConfig;
import seq.compiler.diag.Span;
import seq.compiler.ir.ops.Elementwise;
import seq.compiler.ir.ops.Loss;
import seq.compiler.ir.ops.Softmax;
import seq.compiler.layers.Activations;
import seq.compiler.layers.Layer;
import seq.compiler.layers.Weight;
import seq.compiler.types.Size;

/**
 * Checked model to IR: each layer lowers itself ({@link seq.compiler.layers.LayerKind#lower}); this
 * class gives layers what they share (values, weights, activations) and appends the loss.
 */
public final class Lowering {
    private final Graph.Builder builder = new Graph.Builder();
    private final Map<String, Integer> names = new HashMap<>();
    private final Map<Value, Layer> owners = new HashMap<>();

    /** A layer kind the code generator does not handle yet: reported by `seqc build`, never thrown at users. */
    public static final class NotLowered extends RuntimeException {
        public NotLowered(String message) { super(message); }
    }

    /** The graph, every value made (gradients are added to {@code values} later), and the layer owning each weight. */
    public record Result(Graph graph, Graph.Builder values, Map<Value, Layer> owners) {}

    public static Result of(CheckedModel model, String lossOverride) {
        Lowering l = new Lowering();
        Map<Node, Value> values = new HashMap<>();
        for (Node in : model.inputs()) {
            values.put(in, l.builder.value(in.label(), in.type().dims(), Value.Role.INPUT));
        }
        for (Node n : model.layers()) {
            List<Value> ins = new ArrayList<>();
            for (Node i : n.inputs()) ins.add(values.get(i));
            values.put(n, n.layer().kind().lower(n.layer(), ins, n.out(), l));
        }
        Value output = values.get(model.output());
        TrainConfig train = model.train();
        String loss = lossOverride != null ? lossOverride : train != null ? train.loss() : "mse";
        // A sparse target holds one class id per row of the output, so it lacks the class axis.
        List<Size> targetShape = loss.equals("sparse_categorical_crossentropy")
            ? output.shape().subList(0, output.shape().size() - 1) : output.shape();
        Value target = l.builder.value("target", targetShape, Value.Role.TARGET);
        Value lossValue = l.builder.value("loss", List.of(Size.of(1)), Value.Role.LOSS);
        l.builder.add(Loss.of(loss, output, target, lossValue, model.output().span()));
        return new Result(l.builder.build(model.name(), output, target, lossValue), l.builder, Map.copyOf(l.owners));
    }

    /** A fresh activation value named after its layer. */
    public Value value(String name, List<Size> shape) {
        int n = names.merge(name, 1, Integer::sum);
        return builder.value(n == 1 ? name : name + "#" + n, shape, Value.Role.ACTIVATION);
    }

    /** Dropout's mask: filled by the runtime, {@code layer} recorded as its owner for the rate. */
    public Value noise(Layer layer, List<Size> shape) {
        Value v = builder.value(layer.name() + "/mask", shape, Value.Role.NOISE);
        owners.put(v, layer);
        return v;
    }

    public Value saved(String name, List<Size> shape) {
        return builder.value(name, shape, Value.Role.SAVED);
    }

    public Value alias(String name, List<Size> shape, Value of) {
        return builder.alias(name, shape, of);
    }

    public <T extends Op> T add(T op) {
        return builder.add(op);
    }

    /** The weight {@code name} of {@code layer}, named as Keras names it (`lstm/kernel`); null if the layer has none. */
    public Value weight(Layer layer, String name, List<Weight> weights) {
        for (Weight w : weights) {
            if (w.name().equals(name)) {
                Value v = builder.value(layer.name() + "/" + name, w.shape().stream().map(Size::of).toList(), Value.Role.WEIGHT);
                owners.put(v, layer);
                return v;
            }
        }
        return null;
    }

    /** {@code act(x + bias)} in one element-wise pass, or softmax after the bias; x itself when there is nothing to do. */
    public Value activate(Layer layer, Value x, Value bias, String activation, Span span) {
        boolean linear = activation.equals("linear") || activation.equals("None");
        if (bias == null && linear) return x;
        boolean softmax = activation.equals("softmax");
        Value y = value(layer.name() + (softmax ? "/logits" : ""), x.shape());
        if (bias != null || !softmax) {
            var f = softmax ? Activations.math("linear") : Activations.math(activation);
            if (bias != null) add(Elementwise.map(activation + "_bias", span, List.of(x, bias), a -> f.apply(seq.compiler.codegen.loops.Loop.add(a.get(0), a.get(1))), y));
            else add(Elementwise.map(activation, span, List.of(x), a -> f.apply(a.get(0)), y));
        } else {
            y = x;
        }
        if (!softmax) return y;
        Value p = value(layer.name(), x.shape());
        add(Softmax.of(y, p, span));
        return p;
    }
}

package seq.compiler.check;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.layers.Layer;
import seq.compiler.layers.Out;
import seq.compiler.types.TensorType;

/**
 * One value of a checked model: a model input ({@code layer} null, {@code label} the parameter name)
 * or a layer applied to earlier nodes. Nodes form a DAG in evaluation order.
 */
public record Node(int id, String label, Layer layer, List<Node> inputs, Out out, Span span) {
    public Node {
        inputs = List.copyOf(inputs);
    }

    // Identity, not structure: hashing a node must not walk the whole graph behind it.
    @Override public boolean equals(Object o) { return this == o; }
    @Override public int hashCode() { return System.identityHashCode(this); }

    public TensorType type() { return out.type(); }
    public boolean isInput() { return layer == null; }
}

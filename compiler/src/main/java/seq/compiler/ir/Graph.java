package seq.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.types.Size;

/**
 * A model as IR: values and the forward ops in evaluation order, ending in the loss. Built once by
 * lowering the checked model; never changed afterwards.
 */
public record Graph(String model, List<Value> values, List<Op> ops, List<Value> inputs, List<Value> weights,
                    Value output, Value target, Value loss) {
    public Graph {
        values = List.copyOf(values);
        ops = List.copyOf(ops);
        inputs = List.copyOf(inputs);
        weights = List.copyOf(weights);
    }

    /** Collects values and ops while a model is lowered. */
    public static final class Builder {
        private final List<Value> values = new ArrayList<>();
        private final List<Op> ops = new ArrayList<>();
        private final List<Value> inputs = new ArrayList<>();
        private final List<Value> weights = new ArrayList<>();

        public Value value(String name, List<Size> shape, Value.Role role) {
            return add(new Value(values.size(), name, shape, role, null));
        }

        /** A value with its own shape over the buffer of {@code of}: no copy. */
        public Value alias(String name, List<Size> shape, Value of) {
            return add(new Value(values.size(), name, shape, of.role(), of));
        }

        private Value add(Value v) {
            Value.Role role = v.role();
            if (role == Value.Role.INPUT && v.aliasOf() == null) inputs.add(v);
            if (role == Value.Role.WEIGHT) weights.add(v);
            values.add(v);
            return v;
        }

        public <T extends Op> T add(T op) {
            ops.add(op);
            return op;
        }

        public List<Value> values() { return values; }

        /** The graph, with global max pooling moved to its convolution ({@link PoolFirst}) and element-wise chains fused ({@link Fuse}). */
        public Graph build(String model, Value output, Value target, Value loss) {
            java.util.Set<Value> keep = java.util.Set.of(output, target, loss);
            List<Op> fused = Fuse.elementwise(PoolFirst.rewrite(ops, keep, this), keep, values);
            return new Graph(model, values, fused, inputs, weights, output, target, loss);
        }
    }
}

package seq.compiler.ad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.ir.Graph;
import seq.compiler.ir.Grads;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;

/**
 * Reverse-mode differentiation of a graph: the forward ops in reverse order, each replaced by the
 * ops of its own VJP rule. Only values that depend on a weight get a gradient buffer; inputs and
 * targets get none. Recurrences differentiate to their reverse time loop inside their own rule.
 */
public final class Reverse {
    private Reverse() {}

    /**
     * The backward pass: its ops, the gradient of each value that has one, and the gradients one op
     * overwrites in full, which the pass need not zero first ({@link seq.compiler.ir.Overwrite}).
     */
    public record Backward(List<Op> ops, Map<Value, Value> grads, Set<Value> unzeroed) {
        public Backward {
            ops = List.copyOf(ops);
            grads = Map.copyOf(grads);
            unzeroed = Set.copyOf(unzeroed);
        }
    }

    public static Backward of(Graph graph, Graph.Builder values) {
        Set<Value> needs = new HashSet<>(graph.weights());
        for (boolean grew = true; grew; ) {
            int before = needs.size();
            for (Op op : graph.ops()) {
                if (op.inputs().stream().anyMatch(needs::contains)) needs.addAll(op.outputs());
            }
            for (Value v : graph.values()) {
                if (v.aliasOf() != null && needs.contains(v.aliasOf())) needs.add(v);
            }
            grew = needs.size() > before;
        }
        Map<Value, Value> grads = new HashMap<>();
        Grads g = new Grads() {
            @Override public Value of(Value v) {
                if (!needs.contains(v)) return null;
                Value known = grads.get(v);
                if (known != null) return known;
                // The gradient of an alias is an alias of its source's gradient: one buffer, two shapes.
                Value made = v.aliasOf() != null ? values.alias("d_" + v.name(), v.shape(), of(v.aliasOf()))
                    : values.value("d_" + v.name(), v.shape(), Value.Role.GRADIENT);
                grads.put(v, made);
                return made;
            }

            @Override public Value scratch(String name, List<seq.compiler.types.Size> shape) {
                return values.value(name, shape, Value.Role.SAVED);
            }

            @Override public Value inPlace(Value v) {
                if (!needs.contains(v)) return null;
                if (grads.containsKey(v)) throw new IllegalStateException("the gradient of " + v + " already has a buffer");
                Value made = values.alias("d_" + v.name(), v.shape(), v);
                grads.put(v, made);
                return made;
            }

            @Override public boolean soleUse(Value v) {
                if (v.equals(graph.loss())) return false;
                int readers = 0;
                for (Op op : graph.ops()) {
                    if (op.inputs().stream().anyMatch(in -> in.storage().equals(v.storage()))) readers++;
                }
                return readers == 1;
            }
        };
        g.of(graph.loss());
        List<Op> ops = new ArrayList<>();
        List<Op> forward = graph.ops();
        for (int k = forward.size() - 1; k >= 0; k--) {
            Op op = forward.get(k);
            if (op.outputs().stream().anyMatch(needs::contains)) ops.addAll(op.vjp(g));
        }
        // A weight the loss does not reach still gets a (zero) gradient, so every weight can be stepped alike.
        for (Value w : graph.weights()) g.of(w);
        seq.compiler.ir.Overwrite.Result overwritten = seq.compiler.ir.Overwrite.of(ops, grads.get(graph.loss()));
        return new Backward(overwritten.ops(), grads, overwritten.unzeroed());
    }
}

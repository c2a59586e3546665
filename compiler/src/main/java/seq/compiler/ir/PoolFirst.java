package seq.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.ir.ops.Conv1d;
import seq.compiler.ir.ops.Elementwise;
import seq.compiler.ir.ops.GlobalPool;

/**
 * Global max pooling moved next to the convolution it pools, in two rewrites of the forward ops:
 *
 * <ul>
 *   <li>pooling after an activation that never decreases and is exact (piecewise linear: relu,
 *       hard_sigmoid, a Lambda such as {@code v -> v * 2 + 1}) pools before it instead: max_t f(z_t) =
 *       f(max_t z_t) bit for bit, and the activation then runs on [batch, filters] instead of [batch, steps,
 *       filters], and its gradient too. The gradient can reach a different step than before where f maps
 *       two inputs to one float (hard_sigmoid's flat parts, a scaling Lambda's rounding): the step of the
 *       largest input instead of the first step of the largest output, an equally valid subgradient;</li>
 *   <li>a Conv1D whose output only that pooling reads becomes one op with it ({@link Conv1d#pooled}), whose
 *       gradients go from the pooled maximum straight to the one window of x it came from: no gradient the
 *       size of the convolution's output is written, zeroed or multiplied.</li>
 * </ul>
 *
 * Neither rewrite applies where the value in between has another reader, is an output, or shares its buffer.
 */
public final class PoolFirst {
    private PoolFirst() {}

    public static List<Op> rewrite(List<Op> ops, Set<Value> keep, Graph.Builder values) {
        List<Op> out = new ArrayList<>(ops);
        for (int m = 0; m < out.size(); m++) {
            if (!(out.get(m) instanceof GlobalPool.Max max)) continue;
            Map<Value, Integer> uses = Fuse.uses(out);
            int a = producer(out, max.x());
            if (a >= 0 && out.get(a) instanceof Elementwise.Map act && act.inputs().size() == 1 && free(max.x(), keep, uses, values)
                && Elementwise.exactNonDecreasing(act.body())) {
                Value pre = values.value(max.y().name() + "/pre_activation", max.y().shape(), Value.Role.ACTIVATION);
                out.set(m, new Elementwise.Map(act.label(), act.span(), List.of(pre), act.body(), max.y()));
                out.set(a, GlobalPool.max(act.inputs().get(0), pre, max.argmax(), max.span()));
                max = (GlobalPool.Max) out.get(a);
                m = a;
                uses = Fuse.uses(out);
            }
            int c = producer(out, max.x());
            if (c >= 0 && out.get(c) instanceof Conv1d.Conv conv && free(max.x(), keep, uses, values)) {
                out.set(c, Conv1d.pooled(conv, max.y(), max.argmax()));
                out.remove(m);
                m = c;
            }
        }
        return out;
    }

    private static int producer(List<Op> ops, Value v) {
        for (int k = 0; k < ops.size(); k++) if (ops.get(k).outputs().contains(v)) return k;
        return -1;
    }

    /** Whether only one op reads {@code v}, which is not kept and whose buffer no other value shares. */
    private static boolean free(Value v, Set<Value> keep, Map<Value, Integer> uses, Graph.Builder values) {
        return !keep.contains(v) && uses.getOrDefault(v, 0) == 1 && v.aliasOf() == null && !Fuse.aliased(v, values.values());
    }
}

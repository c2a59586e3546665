package seq.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.codegen.loops.Loop.Expr;
import seq.compiler.ir.ops.Elementwise;

/**
 * Fusion of element-wise chains: an element-wise op whose result feeds only one other element-wise
 * op is folded into it, so `Dense(1)` then `Lambda(v -> v * 400)` is one loop and one buffer. The
 * fused op's VJP differentiates the composed expression, so no rule changes.
 */
public final class Fuse {
    private Fuse() {}

    public static List<Op> elementwise(List<Op> ops, Set<Value> keep, List<Value> values) {
        List<Op> out = new ArrayList<>(ops);
        for (boolean changed = true; changed; ) {
            changed = false;
            Map<Value, Integer> uses = uses(out);
            for (int c = 0; c < out.size() && !changed; c++) {
                if (!(out.get(c) instanceof Elementwise.Map consumer)) continue;
                for (Value u : consumer.inputs()) {
                    Elementwise.Map producer = producerOf(out, u);
                    if (producer == null || keep.contains(u) || uses.get(u) != 1 || aliased(u, values)
                        || !u.size().equals(consumer.out().size())) continue;
                    out.set(c, merge(producer, consumer, u));
                    out.remove(producer);
                    changed = true;
                    break;
                }
            }
        }
        return out;
    }

    private static Elementwise.Map producerOf(List<Op> ops, Value v) {
        for (Op op : ops) if (op instanceof Elementwise.Map m && m.out().equals(v)) return m;
        return null;
    }

    /** How many of {@code ops} read each value. */
    static Map<Value, Integer> uses(List<Op> ops) {
        Map<Value, Integer> uses = new HashMap<>();
        for (Op op : ops) for (Value v : op.inputs()) uses.merge(v, 1, Integer::sum);
        return uses;
    }

    /** Whether some value of {@code values} shares {@code v}'s buffer under another shape. */
    static boolean aliased(Value v, List<Value> values) {
        return values.stream().anyMatch(x -> x.aliasOf() != null && x.aliasOf().storage().equals(v));
    }

    /** The consumer with {@code link} replaced by the producer's expression over the producer's inputs. */
    private static Elementwise.Map merge(Elementwise.Map producer, Elementwise.Map consumer, Value link) {
        List<Value> inputs = new ArrayList<>();
        Map<String, Expr> consumerVars = new HashMap<>(), producerVars = new HashMap<>();
        for (int j = 0; j < producer.inputs().size(); j++) producerVars.put("a" + j, var(inputs, producer.inputs().get(j)));
        Expr inner = rename(producer.body(), producerVars);
        for (int j = 0; j < consumer.inputs().size(); j++) {
            Value v = consumer.inputs().get(j);
            consumerVars.put("a" + j, v.equals(link) ? inner : var(inputs, v));
        }
        return new Elementwise.Map(producer.label() + "+" + consumer.label(), consumer.span(), inputs,
            rename(consumer.body(), consumerVars), consumer.out());
    }

    private static Expr var(List<Value> inputs, Value v) {
        int k = inputs.indexOf(v);
        if (k < 0) {
            k = inputs.size();
            inputs.add(v);
        }
        return Loop.v("a" + k);
    }

    static Expr rename(Expr e, Map<String, Expr> vars) {
        if (e instanceof Loop.Var v) return vars.getOrDefault(v.name(), e);
        if (e instanceof Loop.Bin b) return new Loop.Bin(b.op(), rename(b.a(), vars), rename(b.b(), vars));
        if (e instanceof Loop.Neg n) return new Loop.Neg(rename(n.a(), vars));
        if (e instanceof Loop.Fn f) return new Loop.Fn(f.name(), f.args().stream().map(a -> rename(a, vars)).toList());
        if (e instanceof Loop.Cmp c) return new Loop.Cmp(c.op(), rename(c.a(), vars), rename(c.b(), vars));
        if (e instanceof Loop.And a) return new Loop.And(rename(a.a(), vars), rename(a.b(), vars));
        if (e instanceof Loop.Select s) return new Loop.Select(rename(s.cond(), vars), rename(s.a(), vars), rename(s.b(), vars));
        if (e instanceof Loop.ToReal t) return new Loop.ToReal(rename(t.a(), vars));
        return e;
    }
}

package seq.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.codegen.loops.Loop;

/**
 * Gradient buffers that need no zeroing: a backward op adds into its outputs, so the pass starts by zeroing
 * every gradient; but where one element-wise gradient op is the only writer of a buffer and adds into every
 * element exactly once, it can store instead, and the zeroing (a pass over the whole buffer, and the read
 * inside the op) goes. That op is recognised by the shape of its loops, not by its name: blocks over
 * [0, N), N the buffer's size, an inner loop over the block's elements i, and one store
 * {@code d[i] = d[i] + x} where x does not read d; or blocks over R = N / w rows, each row a loop over its
 * w columns c with {@code i = r·w + c}, and the same store. (A zero that was added to gives +0 where the stored
 * value is −0: equal numbers, different bits.)
 */
public final class Overwrite {
    private Overwrite() {}

    /** The backward ops, with each sole full writer storing; and the gradients they write, not to be zeroed. */
    public record Result(List<Op> ops, Set<Value> unzeroed) {
        public Result {
            ops = List.copyOf(ops);
            unzeroed = Set.copyOf(unzeroed);
        }
    }

    /** {@code seed}: the loss's gradient, which the pass's start sets; never one of these. */
    public static Result of(List<Op> ops, Value seed) {
        Map<Value, Integer> writers = new HashMap<>();
        if (seed != null) writers.merge(seed.storage(), 1, Integer::sum);
        for (Op op : ops) for (Value v : op.outputs()) writers.merge(v.storage(), 1, Integer::sum);
        List<Op> out = new ArrayList<>();
        Set<Value> unzeroed = new HashSet<>();
        for (Op op : ops) {
            KernelOp stored = op instanceof KernelOp k && k.outputs().size() == 1 && k.host() == null
                && k.outputs().get(0).role() == Value.Role.GRADIENT && k.outputs().get(0).aliasOf() == null
                && writers.get(k.outputs().get(0)) == 1 ? storing(k) : null;
            if (stored == null) {
                out.add(op);
            } else {
                out.add(stored);
                unzeroed.add(stored.outputs().get(0));
            }
        }
        return new Result(out, unzeroed);
    }

    /** {@code k} storing where it added, if it adds into every element of its output once; else null. */
    private static KernelOp storing(KernelOp k) {
        String d = k.arrayNames().get(k.arrayNames().size() - 1);
        Value out = k.outputs().get(0);
        if (k.inputs().stream().anyMatch(v -> v.storage().equals(out.storage()))) return null;
        if (k.ints().size() != 1 || !k.ints().get(0).equals(k.outputs().get(0).size())) return null;
        String n = k.intNames().get(0);
        List<Loop.Stmt> prelude = k.body().subList(0, k.body().size() - 1);
        // Either blocks over the n elements, or (the rows form) `let R = n / w` and blocks over R rows of w.
        int width = 0;
        if (prelude.size() == 1 && prelude.get(0) instanceof Loop.Let rows && rows.init() instanceof Loop.Bin q
            && q.op() == '/' && q.a().equals(Loop.v(n)) && q.b() instanceof Loop.IntConst w) {
            n = rows.var();
            width = w.value();
        } else if (!prelude.isEmpty()) {
            return null;
        }
        if (!(k.body().get(k.body().size() - 1) instanceof Loop.For blocks) || !blocks.lo().equals(Loop.i(0))) return null;
        List<Loop.Stmt> inBlock = blocks.body();
        // The blocks' lets (their first and last element), then the loop over the block's elements.
        if (inBlock.size() != 3 || !(inBlock.get(2) instanceof Loop.For elements)) return null;
        if (!(inBlock.get(0) instanceof Loop.Let first) || !(inBlock.get(1) instanceof Loop.Let last)
            || !elements.lo().equals(Loop.v(first.var())) || !elements.hi().equals(Loop.v(last.var()))) return null;
        if (!blocksCover(blocks, first, last, n)) return null;
        Loop.For stored = width == 0 ? storing(elements, d, Loop.v(elements.var())) : storingRows(elements, d, width);
        if (stored == null) return null;
        List<Loop.Stmt> body = new ArrayList<>(prelude);
        body.add(new Loop.For(blocks.var(), blocks.lo(), blocks.hi(), List.of(first, last, stored)));
        return new KernelOp(k.label(), k.span(), k.inputs(), k.outputs(), k.arrayNames(), k.ints(), k.intNames(),
            body, k.rule(), k.parallel(), null, k.device());
    }

    /** A row r's loop over its columns c, {@code let i = r * width + c} first, storing at i; else null. */
    private static Loop.For storingRows(Loop.For rows, String d, int width) {
        if (rows.body().size() != 1 || !(rows.body().get(0) instanceof Loop.For columns)
            || !columns.lo().equals(Loop.i(0)) || !columns.hi().equals(Loop.i(width))) return null;
        if (columns.body().isEmpty() || !(columns.body().get(0) instanceof Loop.Let i)
            || !i.init().equals(Loop.idx(Loop.v(rows.var()), Loop.i(width), Loop.v(columns.var())))) return null;
        Loop.For stored = storing(columns, d, Loop.v(i.var()));
        return stored == null ? null : new Loop.For(rows.var(), rows.lo(), rows.hi(), List.of(stored));
    }

    /** {@code loop} with its last statement {@code d[i] = d[i] + x} storing x, if nothing else reads d; else null. */
    private static Loop.For storing(Loop.For loop, String d, Loop.Expr i) {
        List<Loop.Stmt> body = new ArrayList<>(loop.body());
        int at = body.size() - 1;
        if (!(body.get(at) instanceof Loop.Store st) || !st.array().equals(d) || !st.index().equals(i)
            || !(st.value() instanceof Loop.Bin sum) || sum.op() != '+' || !sum.a().equals(Loop.at(d, i))) return null;
        for (Loop.Stmt s : body.subList(0, at)) if (!(s instanceof Loop.Let) || reads(s, d)) return null;
        if (reads(sum.b(), d)) return null;
        body.set(at, Loop.store(d, i, sum.b()));
        return new Loop.For(loop.var(), loop.lo(), loop.hi(), body);
    }

    /**
     * Whether blocks b = 0 .. hi of width w, first = b·w and last = min(n, b·w + w), with hi = (n + w − 1) / w,
     * cover [0, n): the form of {@link Loop#blocks}.
     */
    private static boolean blocksCover(Loop.For blocks, Loop.Let first, Loop.Let last, String n) {
        if (!(first.init() instanceof Loop.Bin f) || f.op() != '*' || !f.a().equals(Loop.v(blocks.var()))
            || !(f.b() instanceof Loop.IntConst width)) return false;
        Loop.Stmt expected = Loop.blocks(blocks.var(), "$", Loop.v(n), width.value());
        Loop.For shape = (Loop.For) expected;
        return shape.hi().equals(blocks.hi()) && ((Loop.Let) shape.body().get(0)).init().equals(first.init())
            && ((Loop.Let) shape.body().get(1)).init().equals(last.init());
    }

    private static boolean reads(Loop.Stmt s, String array) {
        return s instanceof Loop.Let l && reads(l.init(), array);
    }

    private static boolean reads(Loop.Expr e, String array) {
        if (e instanceof Loop.Load l) return l.array().equals(array) || reads(l.index(), array);
        if (e instanceof Loop.Bin b) return reads(b.a(), array) || reads(b.b(), array);
        if (e instanceof Loop.Neg n) return reads(n.a(), array);
        if (e instanceof Loop.Fn f) return f.args().stream().anyMatch(a -> reads(a, array));
        if (e instanceof Loop.Cmp c) return reads(c.a(), array) || reads(c.b(), array);
        if (e instanceof Loop.And a) return reads(a.a(), array) || reads(a.b(), array);
        if (e instanceof Loop.Select s) return reads(s.cond(), array) || reads(s.a(), array) || reads(s.b(), array);
        if (e instanceof Loop.ToReal t) return reads(t.a(), array);
        if (e instanceof Loop.ToInt t) return reads(t.a(), array);
        return false;
    }
}

package seq.compiler.codegen;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import seq.compiler.ad.Reverse;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.ir.Graph;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Update;
import seq.compiler.types.Size;

/**
 * The generated class of a model: one static kernel per forward and backward op, and the methods of
 * {@code seq.runtime.model.Net32}/{@code Net64} that call them in order over a buffer plan. Buffers
 * are allocated by the caller once per batch shape and reused; nothing here allocates.
 */
public final class ModelClass {
    /** Buffer {@code i} holds {@code buffers.get(i)}; symbol {@code k} of {@code dims} is {@code symbols.get(k)}. */
    public record Plan(List<Value> buffers, List<String> symbols) {
        public Plan {
            buffers = List.copyOf(buffers);
            symbols = List.copyOf(symbols);
        }

        public int index(Value v) {
            int i = buffers.indexOf(v.storage());
            if (i < 0) throw new IllegalArgumentException("no buffer for " + v);
            return i;
        }
    }

    /** The model class, and (float32 models with data-parallel ops only, else null) its device kernels. */
    public record Generated(String className, byte[] bytes, Plan plan, DeviceClass.Result device) {
        /** Every class to load or pack, by binary name. */
        public Map<String, byte[]> classes() {
            Map<String, byte[]> all = new LinkedHashMap<>();
            all.put(className, bytes);
            if (device != null) all.put(device.className(), device.bytes());
            return all;
        }
    }

    private ModelClass() {}

    /** A buffer for every value some op reads or writes, or the runtime fills; fused-away values get none. */
    public static Plan plan(Graph graph, Reverse.Backward backward, List<Value> all) {
        java.util.Set<Value> used = new java.util.HashSet<>(List.of(graph.target(), graph.loss()));
        used.addAll(graph.inputs());
        for (Value v : all) if (v.role() == Value.Role.SLOT) used.add(v);
        for (Op op : graph.ops()) used.addAll(op.arrays());
        for (Op op : backward.ops()) used.addAll(op.arrays());
        List<Value> buffers = new ArrayList<>();
        TreeSet<String> symbols = new TreeSet<>();
        for (Value v : all) {
            if (v.aliasOf() == null && (used.contains(v) || v.role() == Value.Role.GRADIENT && backward.grads().containsValue(v))) buffers.add(v);
            for (Size s : v.shape()) symbols.addAll(names(s));
        }
        return new Plan(buffers, new ArrayList<>(symbols));
    }

    public static Generated generate(String internalName, Graph graph, Reverse.Backward backward, Plan plan,
                                     Emitter.Precision precision, Map<Value, List<Value>> slots, String optimizer, boolean nesterov) {
        List<Loop.Kernel> kernels = new ArrayList<>();
        List<Stmt> forward = new ArrayList<>(), back = new ArrayList<>(), sizes = new ArrayList<>();
        List<Stmt> forwardOp = new ArrayList<>(), backwardOp = new ArrayList<>(), prelude = new ArrayList<>();
        for (int k = 0; k < graph.ops().size(); k++) {
            Stmt c = call(graph.ops().get(k), "f" + k, plan, kernels);
            forward.add(c);
            forwardOp.add(when(cmp("==", v("k"), i(k)), c));
        }
        kernels.add(new Loop.Kernel("zero", List.of(p("a", Type.REAL_ARRAY), p("n", Type.INT)),
            List.of(loop("i", v("n"), store("a", v("i"), r(0))))));
        for (Value v : plan.buffers()) {
            if (v.role() == Value.Role.GRADIENT && !backward.unzeroed().contains(v)) {
                prelude.add(Loop.call("zero", buffer(plan, v), size(v.size(), plan)));
            }
        }
        prelude.add(store("g", i(0), r(1)));
        back.addAll(prelude);
        for (int k = 0; k < backward.ops().size(); k++) {
            Stmt c = call(backward.ops().get(k), "b" + k, plan, kernels);
            back.add(c);
            backwardOp.add(when(cmp("==", v("k"), i(k)), c));
        }
        for (int i = 0; i < plan.buffers().size(); i++) sizes.add(store("lengths", i(i), size(plan.buffers().get(i).size(), plan)));
        List<Stmt> shapes = new ArrayList<>();
        int at = 0;
        for (Value v : plan.buffers()) for (Size d : v.shape()) shapes.add(store("shape", i(at++), size(d, plan)));
        String arrays = precision == Emitter.Precision.F32 ? "[[F" : "[[D";
        kernels.add(new Loop.Kernel("sizes", List.of(p("dims", Type.INT_ARRAY), p("lengths", Type.INT_ARRAY)), sizes, true));
        kernels.add(new Loop.Kernel("shapes", List.of(p("dims", Type.INT_ARRAY), p("shape", Type.INT_ARRAY)), shapes, true));
        kernels.add(new Loop.Kernel("forward", List.of(p("b", Type.REAL_ARRAYS), p("dims", Type.INT_ARRAY)), forward, true));
        // A model without weights has nothing to differentiate: its backward pass is empty.
        Value seed = backward.grads().get(graph.loss());
        List<Stmt> backBody = new ArrayList<>();
        if (seed != null) {
            backBody.add(let("g", Type.REAL_ARRAY, buffer(plan, seed)));
            backBody.addAll(back);
        }
        kernels.add(new Loop.Kernel("backward", List.of(p("b", Type.REAL_ARRAYS), p("dims", Type.INT_ARRAY)), backBody, true));
        if (precision == Emitter.Precision.F32) {
            // One op at a time, for a runtime that runs some ops elsewhere or splits them across threads
            // (Net32 only; the float64 class serves gradient checks): op k, or with k = -1 the backward
            // pass's start (gradients zeroed, the loss's seeded).
            List<Loop.Param> opParams = List.of(p("b", Type.REAL_ARRAYS), p("dims", Type.INT_ARRAY), p("k", Type.INT));
            kernels.add(new Loop.Kernel("forwardOp", opParams, forwardOp, true));
            List<Stmt> backOpBody = new ArrayList<>();
            if (seed != null) {
                backOpBody.add(let("g", Type.REAL_ARRAY, buffer(plan, seed)));
                backOpBody.add(new If(cmp("==", v("k"), i(-1)), prelude, List.of()));
                backOpBody.addAll(backwardOp);
            }
            kernels.add(new Loop.Kernel("backwardOp", opParams, backOpBody, true));
            kernels.add(new Loop.Kernel("forwardOps", List.of(), List.of(new Loop.Return(i(graph.ops().size()))), true, Type.INT));
            kernels.add(new Loop.Kernel("backwardOps", List.of(), List.of(new Loop.Return(i(seed == null ? 0 : backward.ops().size()))),
                true, Type.INT));
            addRanged("forward", graph.ops(), "f", plan, kernels);
            addRanged("backward", seed == null ? List.of() : backward.ops(), "b", plan, kernels);
        }
        kernels.add(Update.kernel("update", optimizer, nesterov));
        List<Stmt> step = new ArrayList<>();
        for (Map.Entry<Value, List<Value>> e : slots.entrySet()) {
            Value w = e.getKey();
            step.add(Loop.call("update", buffer(plan, w), buffer(plan, backward.grads().get(w)), buffer(plan, e.getValue().get(0)),
                buffer(plan, e.getValue().get(1)), size(w.size(), plan), v("hyper")));
        }
        kernels.add(new Loop.Kernel("step", List.of(p("b", Type.REAL_ARRAYS), p("dims", Type.INT_ARRAY), p("hyper", Type.REAL_ARRAY)),
            step, true));
        String iface = precision == Emitter.Precision.F32 ? "seq/runtime/model/Net32" : "seq/runtime/model/Net64";
        Emitter emitter = new Emitter(precision);
        byte[] bytes = emitter.emitClass(internalName, kernels, iface);
        return new Generated(internalName.replace('/', '.'), bytes, plan, DeviceClass.of(internalName, graph, backward, plan, emitter));
    }

    /**
     * For the data-parallel ops of a pass, what lets the runtime split them across threads:
     * {@code <pass>Items(dims, k)}, the number of independent iterations of op k (0 for an op that is not
     * data-parallel), and {@code <pass>Range(b, dims, k, lo, hi)}, which runs iterations [lo, hi) of it.
     */
    private static void addRanged(String pass, List<Op> ops, String prefix, Plan plan, List<Loop.Kernel> kernels) {
        List<Stmt> items = new ArrayList<>(), range = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            seq.compiler.ir.KernelOp op = ops.get(k).threadSplit();
            if (op == null) continue;
            List<Stmt> count = new ArrayList<>(intLets(op, plan, "dims"));
            count.addAll(op.lets());
            count.add(new Loop.Return(op.parallelBound()));
            items.add(new If(cmp("==", v("k"), i(k)), count, List.of()));
            String name = prefix + k + "_range";
            kernels.add(op.ranged(name, seq.compiler.ir.KernelOp.LO, seq.compiler.ir.KernelOp.HI));
            List<Expr> args = new ArrayList<>();
            for (Value v : op.arrays()) args.add(buffer(plan, v));
            for (Size s : op.ints()) args.add(size(s, plan));
            args.add(v("lo"));
            args.add(v("hi"));
            range.add(when(cmp("==", v("k"), i(k)), new Call(name, args)));
        }
        items.add(new Loop.Return(i(0)));
        kernels.add(new Loop.Kernel(pass + "Items", List.of(p("dims", Type.INT_ARRAY), p("k", Type.INT)), items, true, Type.INT));
        kernels.add(new Loop.Kernel(pass + "Range", List.of(p("b", Type.REAL_ARRAYS), p("dims", Type.INT_ARRAY), p("k", Type.INT),
            p("lo", Type.INT), p("hi", Type.INT)), range, true));
    }

    /** A kernel op's integer parameters as int locals, from the bound sizes in the int array {@code dims}. */
    static List<Stmt> intLets(seq.compiler.ir.KernelOp k, Plan plan, String dims) {
        List<Stmt> out = new ArrayList<>();
        for (int n = 0; n < k.ints().size(); n++) out.add(let(k.intNames().get(n), Type.INT, size(k.ints().get(n), plan, dims)));
        return out;
    }

    /** Adds the op's kernel under {@code name} and returns the statement that calls it. */
    private static Stmt call(Op op, String name, Plan plan, List<Loop.Kernel> kernels) {
        kernels.add(op.kernel(name));
        List<Expr> args = new ArrayList<>();
        for (Value v : op.arrays()) args.add(buffer(plan, v));
        for (Size s : op.ints()) args.add(size(s, plan));
        return new Call(name, args);
    }

    private static Expr buffer(Plan plan, Value v) {
        return at("b", i(plan.index(v)));
    }

    /** A size as int arithmetic over the bound symbols in `dims`; sizes are never negative, so `/` floors. */
    static Expr size(Size s, Plan plan) {
        return size(s, plan, "dims");
    }

    /** {@link #size(Size, Plan)} reading the bound symbols from the int array named {@code dims}. */
    static Expr size(Size s, Plan plan, String dims) {
        return s.fold(new Size.Folder<Expr>() {
            @Override public Expr constant(long c) { return i(Math.toIntExact(c)); }
            @Override public Expr symbol(String name) { return at(dims, i(plan.symbols().indexOf(name))); }
            @Override public Expr unknown(long id) { return at(dims, i(plan.symbols().indexOf("?" + id))); }
            @Override public Expr add(Expr a, Expr b) { return Loop.add(a, b); }
            @Override public Expr mul(Expr a, Expr b) { return Loop.mul(a, b); }
            @Override public Expr div(Expr n, long d, boolean ceil) {
                int dd = Math.toIntExact(d);
                return Loop.div(ceil ? Loop.add(n, i(dd - 1)) : n, i(dd));
            }
        });
    }

    /** The sizes bound at run time that {@code s} uses: its symbols, and each `?` as "?id". */
    public static java.util.Set<String> names(Size s) {
        return s.fold(new Size.Folder<java.util.Set<String>>() {
            @Override public java.util.Set<String> constant(long c) { return java.util.Set.of(); }
            @Override public java.util.Set<String> symbol(String name) { return java.util.Set.of(name); }
            @Override public java.util.Set<String> unknown(long id) { return java.util.Set.of("?" + id); }
            @Override public java.util.Set<String> add(java.util.Set<String> a, java.util.Set<String> b) { return union(a, b); }
            @Override public java.util.Set<String> mul(java.util.Set<String> a, java.util.Set<String> b) { return union(a, b); }
            @Override public java.util.Set<String> div(java.util.Set<String> n, long d, boolean ceil) { return n; }
        });
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The symbols and their values, by name, for a plan: the inverse of binding. */
    public static Map<String, Integer> named(Plan plan, int[] dims) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int k = 0; k < dims.length; k++) out.put(plan.symbols().get(k), dims[k]);
        return out;
    }
}

package seq.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Span;
import seq.compiler.types.Size;

/**
 * The one concrete op: a kernel over named arrays and sizes, plus the rule that gives its
 * vector-Jacobian product. The op families in {@code ir.ops} build these, each next to its VJP.
 *
 * <p>{@code parallel}, when not null, names the loop variable over which the kernel is data-parallel:
 * its body is integer {@code let}s followed by loops {@code for (parallel = 0; parallel < bound; ...)}
 * whose iterations read and write disjoint rows. Such a kernel can run with one work item per
 * iteration (an OpenCL kernel); the others run on the JVM only.
 *
 * <p>{@code host}, when not null, is how a data-parallel kernel runs on the JVM: the iterations
 * {@code [$lo, $hi)} of the parallel loop together (after the body's int lets), so that what the
 * one-iteration-per-work-item form does row by row can be one matrix product over the rows (a
 * {@link seq.compiler.codegen.loops.Gemm}). It computes what {@code body} computes; device kernels use
 * {@code body}.
 *
 * <p>{@code device} says whether a device runs a data-parallel kernel; without it (element-wise passes,
 * whose iterations are blocks of elements, and Dense layers' products, not worth a launch) the parallel loop
 * only splits the kernel across the JVM's threads.
 */
public record KernelOp(String label, Span span, List<Value> inputs, List<Value> outputs, List<String> arrayNames,
                       List<Size> ints, List<String> intNames, List<Loop.Stmt> body, Function<Grads, List<Op>> rule,
                       String parallel, List<Loop.Stmt> host, boolean device) implements Op {
    /** The host form's range of parallel iterations. */
    public static final String LO = "$lo", HI = "$hi";

    public KernelOp(String label, Span span, List<Value> inputs, List<Value> outputs, List<String> arrayNames,
                    List<Size> ints, List<String> intNames, List<Loop.Stmt> body, Function<Grads, List<Op>> rule) {
        this(label, span, inputs, outputs, arrayNames, ints, intNames, body, rule, null, null, false);
    }

    public KernelOp(String label, Span span, List<Value> inputs, List<Value> outputs, List<String> arrayNames,
                    List<Size> ints, List<String> intNames, List<Loop.Stmt> body, Function<Grads, List<Op>> rule,
                    String parallel) {
        this(label, span, inputs, outputs, arrayNames, ints, intNames, body, rule, parallel, null, parallel != null);
    }

    /** This op with {@code host} as its JVM form over the parallel iterations [$lo, $hi). */
    public KernelOp withHost(List<Loop.Stmt> host) {
        if (parallel == null) throw new IllegalStateException(label + ": a host form needs a parallel loop");
        return new KernelOp(label, span, inputs, outputs, arrayNames, ints, intNames, body, rule, parallel, host, device);
    }

    /** This data-parallel op split across the JVM's threads only, never run on a device. */
    public KernelOp jvmOnly() {
        if (parallel == null) throw new IllegalStateException(label + ": only a data-parallel op can be split");
        return new KernelOp(label, span, inputs, outputs, arrayNames, ints, intNames, body, rule, parallel, host, false);
    }

    @Override public KernelOp threadSplit() {
        return parallel == null ? null : this;
    }

    public KernelOp {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        arrayNames = List.copyOf(arrayNames);
        ints = List.copyOf(ints);
        intNames = List.copyOf(intNames);
        body = List.copyOf(body);
        if (host != null) host = List.copyOf(host);
        if (arrayNames.size() != inputs.size() + outputs.size() || intNames.size() != ints.size()) {
            throw new IllegalArgumentException(label + ": names do not match arguments");
        }
        if (parallel != null) checkParallelForm(label, body, parallel);
        if (device && parallel == null) throw new IllegalArgumentException(label + ": a device kernel must be data-parallel");
    }

    /**
     * What running the parallel loop's iterations apart relies on: the body is int lets that read no
     * array, and loops {@code for (parallel = 0; parallel < n; ...)}, all with the same n.
     */
    private static void checkParallelForm(String label, List<Loop.Stmt> body, String parallel) {
        Loop.Expr bound = null;
        for (Loop.Stmt st : body) {
            if (st instanceof Loop.For f && f.var().equals(parallel) && f.lo().equals(Loop.i(0))) {
                if (bound != null && !bound.equals(f.hi())) throw new IllegalArgumentException(label + ": parallel loops of different lengths");
                bound = f.hi();
            } else if (!(st instanceof Loop.Let l && l.type() == Loop.Type.INT
                    && seq.compiler.codegen.loops.Rename.loaded(List.of(st)).isEmpty())) {
                throw new IllegalArgumentException(label + ": not of the data-parallel form at " + st);
            }
        }
        if (bound == null) throw new IllegalArgumentException(label + ": no loop over " + parallel);
    }

    /** The length of the loop over {@link #parallel}: how many independent iterations the kernel has. */
    public Loop.Expr parallelBound() {
        for (Loop.Stmt st : body) {
            if (st instanceof Loop.For f && f.var().equals(parallel) && f.lo().equals(Loop.i(0))) return f.hi();
        }
        throw new IllegalStateException(label + ": no loop over " + parallel);
    }

    /**
     * The kernel restricted to the iterations {@code [lo, hi)} of its parallel loop, with two more int
     * parameters named {@code lo} and {@code hi}: what one thread of a split runs.
     */
    public Loop.Kernel ranged(String name, String lo, String hi) {
        List<Loop.Stmt> ranged = new ArrayList<>();
        if (host != null) {
            if (!lo.equals(LO) || !hi.equals(HI)) throw new IllegalArgumentException(label + ": a host form runs over " + LO + ", " + HI);
            ranged.addAll(lets());
            ranged.addAll(host);
        } else for (Loop.Stmt st : body) {
            if (st instanceof Loop.For f && f.var().equals(parallel)) {
                ranged.add(new Loop.For(f.var(), Loop.v(lo), Loop.min(Loop.v(hi), f.hi()), f.body()));
            } else {
                ranged.add(st);
            }
        }
        Loop.Kernel whole = kernel(name);
        List<Loop.Param> params = new ArrayList<>(whole.params());
        params.add(Loop.p(lo, Loop.Type.INT));
        params.add(Loop.p(hi, Loop.Type.INT));
        return new Loop.Kernel(name, params, ranged);
    }

    @Override public List<Value> arrays() {
        List<Value> all = new ArrayList<>(inputs);
        all.addAll(outputs);
        return all;
    }

    /** The kernel over every iteration: {@code body}, or the host form over [0, bound). */
    @Override public Loop.Kernel kernel(String name) {
        List<Loop.Param> params = new ArrayList<>();
        for (String a : arrayNames) params.add(Loop.p(a, Loop.Type.REAL_ARRAY));
        for (String n : intNames) params.add(Loop.p(n, Loop.Type.INT));
        return new Loop.Kernel(name, params, host == null ? body : overAll(host));
    }

    /** A host form run over every parallel iteration: the body's int lets, then [$lo, $hi) = [0, bound). */
    private List<Loop.Stmt> overAll(List<Loop.Stmt> host) {
        List<Loop.Stmt> all = new ArrayList<>(lets());
        all.add(Loop.let(LO, Loop.Type.INT, Loop.i(0)));
        all.add(Loop.let(HI, Loop.Type.INT, parallelBound()));
        all.addAll(host);
        return all;
    }

    /** The body's leading int lets (the data-parallel form's prelude), which {@link #parallelBound} may read. */
    public List<Loop.Stmt> lets() {
        return body.stream().filter(st -> st instanceof Loop.Let).toList();
    }

    @Override public List<Op> vjp(Grads grads) {
        return rule == null ? List.of() : rule.apply(grads);
    }

    @Override public String show() {
        return outputs.stream().map(Value::toString).collect(Collectors.joining(", ")) + " = " + label + "("
            + inputs.stream().map(v -> "%" + v.name()).collect(Collectors.joining(", ")) + ")";
    }
}

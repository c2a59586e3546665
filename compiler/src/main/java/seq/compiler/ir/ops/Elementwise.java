package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import seq.compiler.ad.Derivative;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * y[i] = f(a0[i], a1[i], ...) in one loop: a bias, an activation and a Lambda body fuse into a
 * single pass. An input whose shape is a suffix of the output's (a bias) is broadcast over the
 * leading axes. The VJP of each input comes from differentiating f symbolically.
 */
public final class Elementwise {
    private Elementwise() {}

    public static Op map(String label, Span span, List<Value> ins, Function<List<Expr>, Expr> f, Value out) {
        List<Expr> args = new ArrayList<>();
        for (int j = 0; j < ins.size(); j++) args.add(v("a" + j));
        return new Map(label, span, ins, f.apply(args), out);
    }

    /**
     * An element-wise op: {@code body} is an expression of the variables a0, a1, ... standing for the
     * inputs' elements. Kept as an expression so that {@link seq.compiler.ir.Fuse} can compose chains.
     */
    public record Map(String label, Span span, List<Value> inputs, Expr body, Value out) implements Op {
        public Map {
            inputs = List.copyOf(inputs);
        }

        private KernelOp op() {
            List<String> names = new ArrayList<>();
            for (int j = 0; j < inputs.size(); j++) names.add("in" + j);
            names.add("y");
            List<Stmt> loop = new ArrayList<>(loads(inputs, out));
            loop.add(store("y", v("i"), body));
            return new KernelOp(label, span, inputs, List.of(out), names, List.of(out.size()), List.of("N"),
                List.of(inBlocks(loop)), g -> Elementwise.vjp(label, span, inputs, out, body, g), BLOCK).jvmOnly();
        }

        @Override public KernelOp threadSplit() { return op(); }

        @Override public List<Value> outputs() { return List.of(out); }
        @Override public List<Value> arrays() { return op().arrays(); }
        @Override public List<seq.compiler.types.Size> ints() { return op().ints(); }
        @Override public Loop.Kernel kernel(String name) { return op().kernel(name); }
        @Override public List<Op> vjp(Grads g) { return op().vjp(g); }
        @Override public String show() { return op().show(); }
    }

    /** The parallel loop of an element-wise pass: over blocks of elements, each the JVM's to run on one thread. */
    private static final String BLOCK = "ib";

    /** {@code body} for every element i, in blocks of 4,096 that the JVM's threads can share out. */
    private static Stmt inBlocks(List<Stmt> body) {
        return blocks(BLOCK, "i", v("N"), 4096, new For("i", v("i0"), v("i1"), body));
    }

    /** `let aj = inj[i]`, or `inj[i % len]` for a broadcast input. */
    private static List<Stmt> loads(List<Value> ins, Value out) {
        List<Stmt> s = new ArrayList<>();
        for (int j = 0; j < ins.size(); j++) s.add(let("a" + j, Type.REAL, at("in" + j, index(ins.get(j), out))));
        return s;
    }

    private static Expr index(Value in, Value out) {
        if (in.size().equals(out.size())) return v("i");
        return new Bin('%', v("i"), sizeConst(in.size()));
    }

    /** Broadcast lengths are fixed sizes (biases); symbolic ones would need an extra argument. */
    private static Expr sizeConst(Size s) {
        if (!s.isConstant()) throw new IllegalArgumentException("broadcast over a symbolic length " + s);
        return i(Math.toIntExact(s.constant()));
    }

    private static List<Op> vjp(String label, Span span, List<Value> ins, Value out, Expr body, Grads g) {
        List<Op> ops = new ArrayList<>();
        Value dy = g.of(out);
        for (int j = 0; j < ins.size(); j++) {
            Value dj = g.of(ins.get(j));
            if (dj == null) continue;
            Expr local = Derivative.of(body, "a" + j);
            List<String> names = new ArrayList<>();
            for (int k = 0; k < ins.size(); k++) names.add("in" + k);
            names.add("dy");
            names.add("d");
            List<Value> reads = new ArrayList<>(ins);
            reads.add(dy);
            List<Stmt> loop = new ArrayList<>(loads(ins, out));
            loop.add(addTo("d", index(ins.get(j), out), mul(at("dy", v("i")), local)));
            // A broadcast input's gradient sums over the leading axes, so only a full-size one can be split.
            boolean full = ins.get(j).size().equals(out.size());
            ops.add(full
                ? new KernelOp(label + "_d" + j, span, reads, List.of(dj), names, List.of(out.size()), List.of("N"),
                    List.of(inBlocks(loop)), null, BLOCK).jvmOnly()
                : new KernelOp(label + "_d" + j, span, reads, List.of(dj), names, List.of(out.size()), List.of("N"),
                    List.of(new For("i", i(0), v("N"), loop)), null));
        }
        return ops;
    }
}

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
 * leading axes. The VJP of each input comes from differentiating f symbolically; a bias's is the column
 * sum of the gradient of the input it is added to.
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
            List<Stmt> element = new ArrayList<>(loads(inputs, out));
            element.add(store("y", v("i"), body));
            return new KernelOp(label, span, inputs, List.of(out), names, List.of(out.size()), List.of("N"),
                overElements(inputs, out, element), g -> Elementwise.vjp(label, span, inputs, out, body, g), BLOCK).jvmOnly();
        }

        @Override public KernelOp threadSplit() { return op(); }
        @Override public KernelOp asKernel() { return op(); }

        @Override public List<Value> outputs() { return List.of(out); }
        @Override public List<Value> arrays() { return op().arrays(); }
        @Override public List<seq.compiler.types.Size> ints() { return op().ints(); }
        @Override public Loop.Kernel kernel(String name) { return op().kernel(name); }
        @Override public List<Op> vjp(Grads g) { return op().vjp(g); }
        @Override public String show() { return op().show(); }
    }

    /**
     * Whether {@code body}, a function of a0 alone, never decreases and is computed exactly enough that
     * f(max z) equals max f(z) bit for bit: built from a0 and constants by +, − of a constant, · by a positive
     * constant, min and max (relu, hard_sigmoid, scaling Lambdas). Rounding of such steps never reverses an order.
     */
    public static boolean exactNonDecreasing(Expr body) {
        if (body instanceof Var v) return v.name().equals("a0");
        if (body instanceof RealConst || body instanceof IntConst) return true;
        if (!(body instanceof Bin b)) return false;
        return switch (b.op()) {
            case '+', '<', '>' -> exactNonDecreasing(b.a()) && exactNonDecreasing(b.b());
            case '-' -> exactNonDecreasing(b.a()) && isConstant(b.b());
            case '*' -> positive(b.a()) && exactNonDecreasing(b.b()) || positive(b.b()) && exactNonDecreasing(b.a());
            default -> false;
        };
    }

    private static boolean isConstant(Expr e) {
        return e instanceof RealConst || e instanceof IntConst;
    }

    private static boolean positive(Expr e) {
        return e instanceof RealConst r && r.value() > 0 || e instanceof IntConst n && n.value() > 0;
    }

    /** The parallel loop of an element-wise pass: over blocks of elements or rows, each the JVM's to run on one thread. */
    private static final String BLOCK = "ib";

    /**
     * {@code element} (which reads the element index i, and c, i's column in a row of the broadcast
     * inputs) for every element, in blocks of about 4,096 that the JVM's threads can share out. With no
     * broadcast input it is one loop over i; with one, a loop over rows around a loop over a row's
     * columns, so that a bias is read at c: {@code i % width} per element cost a Dense(30)'s bias add and
     * relu 2–3× the time.
     */
    private static List<Stmt> overElements(List<Value> ins, Value out, List<Stmt> element) {
        int width = rowWidth(ins, out);
        if (width == 0) return List.of(blocks(BLOCK, "i", v("N"), 4096, new For("i", v("i0"), v("i1"), element)));
        return List.of(let("R", Type.INT, div(v("N"), i(width))), blocks(BLOCK, "r", v("R"), Math.max(1, 4096 / width),
            loop("r", v("r0"), v("r1"), new For("c", i(0), i(width), atElement(width, element)))));
    }

    /** {@code element} after {@code let i = r * width + c}. */
    private static List<Stmt> atElement(int width, List<Stmt> element) {
        List<Stmt> s = new ArrayList<>();
        s.add(let("i", Type.INT, idx(v("r"), i(width), v("c"))));
        s.addAll(element);
        return s;
    }

    /** The length of the broadcast inputs (biases), whose rows the loops run along; 0 when none is broadcast. */
    private static int rowWidth(List<Value> ins, Value out) {
        int width = 0;
        for (Value in : ins) {
            if (in.size().equals(out.size())) continue;
            int len = sizeConst(in.size());
            if (width != 0 && len != width) throw new IllegalArgumentException("broadcast inputs of lengths " + width + " and " + len);
            width = len;
        }
        return width;
    }

    /** `let aj = inj[i]`, or `inj[c]` for a broadcast input. */
    private static List<Stmt> loads(List<Value> ins, Value out) {
        List<Stmt> s = new ArrayList<>();
        for (int j = 0; j < ins.size(); j++) s.add(let("a" + j, Type.REAL, at("in" + j, index(ins.get(j), out))));
        return s;
    }

    private static Expr index(Value in, Value out) {
        return in.size().equals(out.size()) ? v("i") : v("c");
    }

    /**
     * A full-size input whose gradient this op alone writes, with the same local slope as a broadcast input's
     * ({@code local}) and rows as wide as the broadcast: then the broadcast input's gradient is that gradient
     * summed over rows. Else null.
     */
    private static Value sameSlope(List<Value> ins, Value out, Expr body, Expr local, Grads g) {
        if (!out.last().isConstant() || out.last().constant() != rowWidth(ins, out)) return null;
        for (int q = 0; q < ins.size(); q++) {
            Value in = ins.get(q);
            if (in.size().equals(out.size()) && g.of(in) != null && g.soleUse(in) && Derivative.of(body, "a" + q).equals(local)) return in;
        }
        return null;
    }

    /** Broadcast lengths are fixed sizes (biases); symbolic ones would need an extra argument. */
    private static int sizeConst(Size s) {
        if (!s.isConstant()) throw new IllegalArgumentException("broadcast over a symbolic length " + s);
        return Math.toIntExact(s.constant());
    }

    private static List<Op> vjp(String label, Span span, List<Value> ins, Value out, Expr body, Grads g) {
        List<Op> ops = new ArrayList<>();
        Value dy = g.of(out);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < ins.size(); k++) names.add("in" + k);
        names.add("dy");
        names.add("d");
        List<Value> reads = new ArrayList<>(ins);
        reads.add(dy);
        List<Size> ints = List.of(out.size());
        List<String> intNames = List.of("N");
        // Full-size inputs first: a bias's gradient may be summed from one of theirs.
        for (int j = 0; j < ins.size(); j++) {
            if (g.of(ins.get(j)) == null || !ins.get(j).size().equals(out.size())) continue;
            List<Stmt> element = new ArrayList<>(loads(ins, out));
            element.add(addTo("d", v("i"), mul(at("dy", v("i")), Derivative.of(body, "a" + j))));
            ops.add(new KernelOp(label + "_d" + j, span, reads, List.of(g.of(ins.get(j))), names, ints, intNames,
                overElements(ins, out, element), null, BLOCK).jvmOnly());
        }
        for (int j = 0; j < ins.size(); j++) {
            Value dj = g.of(ins.get(j));
            if (dj == null || ins.get(j).size().equals(out.size())) continue;
            // y = f(x + b): the bias's gradient is the column sum of x's, which the pass has just written. On the
            // JVM only, like the element-wise pass that wrote it.
            Value same = sameSlope(ins, out, body, Derivative.of(body, "a" + j), g);
            if (same == null) throw new IllegalStateException(label + ": no input's gradient to sum a broadcast input's from");
            ops.add(ColumnSum.of(g.of(same), dj, Size.of(0), span).jvmOnly());
        }
        return ops;
    }
}

package seq.compiler.codegen.loops;

import java.util.Arrays;
import java.util.List;

/**
 * The loop language every kernel is written in: counted loops, integer index arithmetic, and "real"
 * arithmetic whose precision is chosen only when bytecode is emitted. Writing each kernel once here
 * gives float32 for training and float64 for gradient checks from the same source, and keeps
 * kernels in a shape that can later be emitted as Aparapi kernels (no objects, no calls into Java
 * beyond java.lang.Math).
 */
public final class Loop {
    private Loop() {}

    /** The value types of the loop language. */
    public enum Type { INT, REAL, INT_ARRAY, REAL_ARRAY, REAL_ARRAYS, BOOL }

    public sealed interface Expr {}
    public record IntConst(int value) implements Expr {}
    public record RealConst(double value) implements Expr {}
    public record Var(String name) implements Expr {}
    /** {@code array[index]} of an int[] or real[]; or {@code arrays[index]} of a real[][] gives a real[]. */
    public record Load(String array, Expr index) implements Expr {}
    /** Arithmetic on two ints or two reals: {@code + - * /}, {@code %} on ints, {@code <}/{@code >} for min/max. */
    public record Bin(char op, Expr a, Expr b) implements Expr {}
    public record Neg(Expr a) implements Expr {}
    /**
     * Functions on reals: java.lang.Math's exp, log, tanh, sqrt, abs, pow, floor; erf; sigmoid; and step
     * (1 for x ≥ 0, −0 included, else 0: the slope of max(x, 0); NaN for NaN on the JVM, 0 on a device).
     */
    public record Fn(String name, List<Expr> args) implements Expr {}
    /** A comparison of two ints or two reals: {@code < <= > >= == !=}. */
    public record Cmp(String op, Expr a, Expr b) implements Expr {}
    public record And(Expr a, Expr b) implements Expr {}
    /** {@code cond ? a : b}. */
    public record Select(Expr cond, Expr a, Expr b) implements Expr {}
    public record ToReal(Expr a) implements Expr {}
    /** A real truncated to an int, as Java's {@code (int)} cast: ids stored in real buffers become indices. */
    public record ToInt(Expr a) implements Expr {}

    public sealed interface Stmt {}
    /** {@code for (int var = lo; var < hi; var++)}, hi evaluated once. */
    public record For(String var, Expr lo, Expr hi, List<Stmt> body) implements Stmt {}
    /** Declares a local of a type; locals are unique by name within a kernel. */
    public record Let(String var, Type type, Expr init) implements Stmt {}
    public record Set(String var, Expr value) implements Stmt {}
    public record Store(String array, Expr index, Expr value) implements Stmt {}
    public record If(Expr cond, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}
    /** Ends a kernel that returns a value (see {@link Kernel#returns}): a real, or an int. */
    public record Return(Expr value) implements Stmt {}
    /** A call of another kernel of the same class. */
    public record Call(String kernel, List<Expr> args) implements Stmt {}

    public record Param(String name, Type type) {}

    /**
     * A static method of the generated class (or, with {@code instance}, an instance method); with
     * {@code returns} REAL it is a scalar function, called from expressions as {@code Fn(name, ...)}.
     */
    public record Kernel(String name, List<Param> params, List<Stmt> body, boolean instance, Type returns) {
        public Kernel {
            params = List.copyOf(params);
            body = List.copyOf(body);
        }

        public Kernel(String name, List<Param> params, List<Stmt> body, boolean instance) {
            this(name, params, body, instance, null);
        }

        public Kernel(String name, List<Param> params, List<Stmt> body) {
            this(name, params, body, false, null);
        }
    }

    // A small vocabulary, so kernels read close to the loops they stand for.

    public static Expr i(int v) { return new IntConst(v); }
    public static Expr r(double v) { return new RealConst(v); }
    public static Expr v(String name) { return new Var(name); }
    public static Expr at(String array, Expr index) { return new Load(array, index); }
    public static Expr add(Expr a, Expr b) { return new Bin('+', a, b); }
    public static Expr sub(Expr a, Expr b) { return new Bin('-', a, b); }
    public static Expr mul(Expr a, Expr b) { return new Bin('*', a, b); }
    public static Expr div(Expr a, Expr b) { return new Bin('/', a, b); }
    public static Expr min(Expr a, Expr b) { return new Bin('<', a, b); }
    public static Expr max(Expr a, Expr b) { return new Bin('>', a, b); }
    public static Expr neg(Expr a) { return new Neg(a); }
    public static Expr fn(String name, Expr... args) { return new Fn(name, Arrays.asList(args)); }
    public static Expr cmp(String op, Expr a, Expr b) { return new Cmp(op, a, b); }
    public static Expr select(Expr c, Expr a, Expr b) { return new Select(c, a, b); }
    public static Expr real(Expr a) { return new ToReal(a); }
    public static Expr integer(Expr a) { return new ToInt(a); }
    /** a*b + c on ints: the usual row-major index. */
    public static Expr idx(Expr row, Expr width, Expr col) { return add(mul(row, width), col); }

    /**
     * Columns per block of the reductions split by columns (a bias's or a kernel's gradient): one 512-bit
     * vector, so that a layer of 48 gate columns still gives both cores of a 2-core machine work (at 64, such
     * a gradient ran on one thread while the other waited).
     */
    public static final int COLUMN_BLOCK = 16;

    /**
     * {@code for (block = 0; block < ceil(n / width); block++)} around {@code body}, which runs its inner
     * loop over {@code var} from {@code var + "0"} to {@code var + "1"}, the block's columns: a loop over
     * columns split in blocks that can run in parallel.
     */
    public static Stmt blocks(String block, String var, Expr n, int width, Stmt... body) {
        List<Stmt> inner = new java.util.ArrayList<>(List.of(
            let(var + "0", Type.INT, mul(v(block), i(width))),
            let(var + "1", Type.INT, min(n, add(mul(v(block), i(width)), i(width))))));
        inner.addAll(List.of(body));
        return new For(block, i(0), div(add(n, i(width - 1)), i(width)), inner);
    }

    public static Stmt loop(String var, Expr lo, Expr hi, Stmt... body) { return new For(var, lo, hi, List.of(body)); }
    public static Stmt loop(String var, Expr hi, Stmt... body) { return new For(var, i(0), hi, List.of(body)); }
    public static Stmt let(String var, Type type, Expr init) { return new Let(var, type, init); }
    public static Stmt set(String var, Expr value) { return new Set(var, value); }
    public static Stmt store(String array, Expr index, Expr value) { return new Store(array, index, value); }
    public static Stmt addTo(String array, Expr index, Expr value) { return new Store(array, index, add(at(array, index), value)); }
    public static Stmt when(Expr cond, Stmt... then) { return new If(cond, List.of(then), List.of()); }
    public static Stmt call(String kernel, Expr... args) { return new Call(kernel, Arrays.asList(args)); }
    public static Param p(String name, Type type) { return new Param(name, type); }
}

package seq.compiler.ir;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.codegen.loops.Loop.Expr;
import seq.compiler.codegen.loops.Loop.Stmt;
import seq.compiler.types.Size;

/**
 * Floating-point operations of one training step (forward and backward pass; the optimizer's update
 * is not counted), for bound sizes, so benchmarks can turn samples/s into GFLOP/s. The convention:
 * <ul>
 *   <li>a multiply-add is 2 FLOPs;</li>
 *   <li>products, from each op's label and sizes: {@code matmul}, {@code matmul_dx} and {@code matmul_dw}
 *       2·M·K·N each; {@code conv1d} 2·B·L·K·C·F (every tap, padding included), {@code conv1d_dw} (the
 *       kernel's gradient) and {@code conv1d_dx} (the input's) the same, and {@code conv1d_max} (a convolution
 *       with the max pooling after it, whose pooling is not counted) too, its sparse gradients by their loops; a recurrence (whose
 *       input product is a matmul) 2·B·T·G·U for the recurrent product of every step, the first
 *       step's with h₀ = 0 included, its backward the same for the hidden state's gradient, and
 *       {@code recurrent_du} 2·B·(T − S0)·U·N for the recurrent kernel's gradient (S0 = 1 where step 0 has no h₋₁). Their biases and gate
 *       nonlinearities are not counted, nor the additions of a weight gradient's partial sums ({@code sum_parts}, a cost per
 *       batch, not per sample);</li>
 *   <li>every other op (element-wise maps and their VJPs, softmax, pooling, the loss): one FLOP for
 *       each real + − × ÷, min, max and function call its kernel evaluates, times the trips of the
 *       loops around it; of a branch, the costlier side.</li>
 * </ul>
 */
public final class Flops {
    private Flops() {}

    /** Forward and backward FLOPs, and how many of them are products (matmul, conv1d, recurrences). */
    public record Count(long forward, long backward, long products) {
        public long total() { return forward + backward; }
    }

    /** The FLOPs of {@code graph}'s forward ops and of {@code backward}, its differentiated ops. */
    public static Count of(Graph graph, List<Op> backward, Map<String, Long> sizes) {
        long forward = 0, back = 0, products = 0;
        for (Op op : graph.ops()) {
            long n = of(op, sizes);
            forward += n;
            if (isProduct(op)) products += n;
        }
        for (Op op : backward) {
            long n = of(op, sizes);
            back += n;
            if (isProduct(op)) products += n;
        }
        return new Count(forward, back, products);
    }

    /** The count for one sample: {@link #of} with the batch size (the first input's first axis) bound to 1. */
    public static Count perSample(Graph graph, List<Op> backward, Map<String, Long> sizes) {
        Map<String, Long> one = new HashMap<>(sizes);
        for (String name : names(graph.inputs().get(0).shape().get(0))) one.put(name, 1L);
        return of(graph, backward, one);
    }

    /** The sizes {@code s} needs bound: its symbols, and each `?` as "?id". */
    private static Set<String> names(Size s) {
        Set<String> out = new HashSet<>();
        s.fold(new Size.Folder<Void>() {
            @Override public Void constant(long c) { return null; }
            @Override public Void symbol(String name) { out.add(name); return null; }
            @Override public Void unknown(long id) { out.add("?" + id); return null; }
            @Override public Void add(Void a, Void b) { return null; }
            @Override public Void mul(Void a, Void b) { return null; }
            @Override public Void div(Void n, long d, boolean ceil) { return null; }
        });
        return out;
    }

    private static long evaluate(Size s, Map<String, Long> sizes) {
        return s.fold(new Size.Folder<Long>() {
            @Override public Long constant(long c) { return c; }
            @Override public Long symbol(String name) { return bound(name); }
            @Override public Long unknown(long id) { return bound("?" + id); }
            @Override public Long add(Long a, Long b) { return Math.addExact(a, b); }
            @Override public Long mul(Long a, Long b) { return Math.multiplyExact(a, b); }
            @Override public Long div(Long n, long d, boolean ceil) { return ceil ? -Math.floorDiv(-n, d) : Math.floorDiv(n, d); }

            private long bound(String name) {
                Long v = sizes.get(name);
                if (v == null) throw new IllegalArgumentException("no value for size `" + name + "`");
                return v;
            }
        });
    }

    /** The labels of the product kernels, counted by formula rather than by walking their loops. */
    private static final Set<String> PRODUCTS = Set.of("matmul", "matmul_dx", "matmul_dw", "conv1d", "conv1d_dx", "conv1d_dw", "conv1d_max",
        "lstm", "lstm_d", "gru", "gru_d", "gru_reset_before", "gru_reset_before_d", "simple_rnn", "simple_rnn_d",
        "recurrent_du");

    private static boolean isProduct(Op op) {
        return op.asKernel() != null && PRODUCTS.contains(op.asKernel().label());
    }

    /** The FLOPs of one op. */
    public static long of(Op op, Map<String, Long> sizes) {
        // The additions of a weight gradient's partial sums: once per batch, whatever its size, so not a cost per sample.
        if (op.asKernel() != null && op.asKernel().label().equals("sum_parts")) return 0;
        Loop.Kernel kernel = op.kernel("k");
        Map<String, Long> ints = new HashMap<>();
        List<Loop.Param> params = kernel.params();
        int first = op.arrays().size();
        for (int k = 0; k < op.ints().size(); k++) ints.put(params.get(first + k).name(), evaluate(op.ints().get(k), sizes));
        if (isProduct(op)) return product(op.asKernel(), ints);
        // A kernel op's reference body, not its JVM form, which may be a call into the runtime the walk cannot see into.
        return new Walk(ints).statements(op.asKernel() != null ? op.asKernel().body() : kernel.body());
    }

    /** A product kernel's FLOPs from its bound sizes. */
    private static long product(KernelOp op, Map<String, Long> ints) {
        long b = get(ints, op.label().startsWith("matmul") ? "M" : "B");
        return switch (op.label()) {
            case "matmul", "matmul_dx", "matmul_dw" -> 2 * b * get(ints, "K") * get(ints, "N");
            case "conv1d", "conv1d_dx", "conv1d_dw", "conv1d_max" -> 2 * b * get(ints, "L") * get(ints, "K") * get(ints, "C") * get(ints, "F");
            case "recurrent_du" -> 2 * b * (get(ints, "T") - get(ints, "S0")) * get(ints, "U") * get(ints, "N");
            default -> 2 * b * get(ints, "T") * get(ints, "G") * get(ints, "U");
        };
    }

    private static long get(Map<String, Long> ints, String name) {
        Long v = ints.get(name);
        if (v == null) throw new IllegalStateException("kernel has no size " + name);
        return v;
    }

    /** Counts the real arithmetic a kernel body evaluates, with loop trips from its bound integer arguments. */
    private static final class Walk {
        private final Map<String, Long> env;
        private final Set<String> integers = new HashSet<>();

        Walk(Map<String, Long> ints) {
            env = new HashMap<>(ints);
            integers.addAll(ints.keySet());
        }

        long statements(List<Stmt> body) {
            long n = 0;
            for (Stmt s : body) n = Math.addExact(n, statement(s));
            return n;
        }

        private long statement(Stmt s) {
            if (s instanceof Loop.For f) {
                long lo = integer(f.lo()), trips = Math.max(0, integer(f.hi()) - lo);
                integers.add(f.var());
                env.remove(f.var());
                if (!boundsUse(f.body(), f.var())) return Math.multiplyExact(trips, statements(f.body()));
                // A loop over blocks, whose inner loops' bounds depend on the block: walked trip by trip.
                long n = 0;
                for (long t = lo; t < lo + trips; t++) {
                    env.put(f.var(), t);
                    n = Math.addExact(n, statements(f.body()));
                }
                env.remove(f.var());
                return n;
            }
            if (s instanceof Loop.Let l) {
                if (l.type() != Loop.Type.INT) return real(l.init());
                integers.add(l.var());
                Long v = tryInteger(l.init());
                if (v != null) env.put(l.var(), v); else env.remove(l.var());
                return 0;
            }
            if (s instanceof Loop.Set set) {
                if (!integers.contains(set.var())) return real(set.value());
                env.remove(set.var());
                return 0;
            }
            if (s instanceof Loop.Store st) return real(st.value());
            if (s instanceof Loop.If i) return Math.max(statements(i.then()), statements(i.otherwise()));
            if (s instanceof Loop.Return r) return real(r.value());
            return 0;
        }

        /** Whether an inner loop's bounds depend on {@code var}, directly or through int lets. */
        private static boolean boundsUse(List<Stmt> body, String var) {
            Set<String> depends = new HashSet<>(Set.of(var));
            return boundsUse(body, depends);
        }

        private static boolean boundsUse(List<Stmt> body, Set<String> depends) {
            for (Stmt s : body) {
                if (s instanceof Loop.Let l && l.type() == Loop.Type.INT && uses(l.init(), depends)) depends.add(l.var());
                if (s instanceof Loop.For f && (uses(f.lo(), depends) || uses(f.hi(), depends) || boundsUse(f.body(), depends))) return true;
                if (s instanceof Loop.If i && (boundsUse(i.then(), depends) || boundsUse(i.otherwise(), depends))) return true;
            }
            return false;
        }

        private static boolean uses(Expr e, Set<String> names) {
            if (e instanceof Loop.Var v) return names.contains(v.name());
            if (e instanceof Loop.Bin b) return uses(b.a(), names) || uses(b.b(), names);
            if (e instanceof Loop.Neg n) return uses(n.a(), names);
            return false;
        }

        private long integer(Expr e) {
            Long v = tryInteger(e);
            if (v == null) throw new IllegalArgumentException("a loop bound depends on data or an outer loop: " + e);
            return v;
        }

        private Long tryInteger(Expr e) {
            if (e instanceof Loop.IntConst c) return (long) c.value();
            if (e instanceof Loop.Var v) return env.get(v.name());
            if (e instanceof Loop.Neg n) {
                Long a = tryInteger(n.a());
                return a == null ? null : -a;
            }
            if (e instanceof Loop.Bin b) {
                Long x = tryInteger(b.a()), y = tryInteger(b.b());
                if (x == null || y == null) return null;
                return switch (b.op()) {
                    case '+' -> x + y;
                    case '-' -> x - y;
                    case '*' -> x * y;
                    case '/' -> y == 0 ? null : x / y;
                    case '%' -> y == 0 ? null : x % y;
                    case '<' -> Math.min(x, y);
                    case '>' -> Math.max(x, y);
                    default -> null;
                };
            }
            return null;
        }

        /** Real operations in an expression: loads, indices, conversions and conditions cost nothing. */
        private static long real(Expr e) {
            if (e instanceof Loop.Bin b) return 1 + real(b.a()) + real(b.b());
            if (e instanceof Loop.Neg n) return 1 + real(n.a());
            if (e instanceof Loop.Fn f) return 1 + f.args().stream().mapToLong(Walk::real).sum();
            if (e instanceof Loop.Select s) return Math.max(real(s.a()), real(s.b()));
            if (e instanceof Loop.ToInt t) return real(t.a());
            return 0;
        }
    }
}

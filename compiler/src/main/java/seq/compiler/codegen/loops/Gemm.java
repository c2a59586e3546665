package seq.compiler.codegen.loops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;

/**
 * A matrix product as one statement of the loop language: {@code C[i, j] (+)= sum_p A[i, p] · B[p, j]}
 * over strided views of arrays. Float32 model classes call the runtime's blocked product
 * ({@code seq.runtime.model.Gemm}, the same signature); float64 classes (gradient checks) get
 * {@link #KERNEL}, the plain loops below, so the two are independent implementations. Device kernels
 * never contain one.
 *
 * <p>A product by the same matrix at every step of a loop is a {@link #pack} of it before the loop and a
 * {@link #callPacked} per step: float32 classes copy the matrix into the runtime's panel once; in float64
 * the pack does nothing and the packed product is the plain one.
 */
public final class Gemm {
    private Gemm() {}

    /** The float32 implementation every call goes to. */
    public static final String RUNTIME = "seq/runtime/model/Gemm";

    /** {@code X[r, q] = array[off + r·row + q·col]}. */
    public record View(String array, Expr off, Expr row, Expr col) {}

    /** The product in loops, as a kernel of the generated class named {@code gemm}. */
    public static final Kernel KERNEL = new Kernel("gemm", List.of(
        p("a", Type.REAL_ARRAY), p("aOff", Type.INT), p("aRow", Type.INT), p("aCol", Type.INT),
        p("b", Type.REAL_ARRAY), p("bOff", Type.INT), p("bRow", Type.INT), p("bCol", Type.INT),
        p("c", Type.REAL_ARRAY), p("cOff", Type.INT), p("cRow", Type.INT),
        p("m", Type.INT), p("n", Type.INT), p("k", Type.INT), p("accumulate", Type.INT)), List.of(
            new If(cmp("==", v("accumulate"), i(0)), List.of(
                loop("i0", v("m"), loop("j0", v("n"), store("c", add(v("cOff"), idx(v("i0"), v("cRow"), v("j0"))), r(0))))), List.of()),
            loop("i", v("m"), loop("p", v("k"),
                let("av", Type.REAL, at("a", add(v("aOff"), add(mul(v("i"), v("aRow")), mul(v("p"), v("aCol")))))),
                loop("j", v("n"), addTo("c", add(v("cOff"), idx(v("i"), v("cRow"), v("j"))),
                    mul(v("av"), at("b", add(v("bOff"), add(mul(v("p"), v("bRow")), mul(v("j"), v("bCol"))))))))))));

    /** Float64's packed product: the same loops under the name float32 classes give the runtime's packed call. */
    public static final Kernel PACKED = new Kernel("gemmPacked", KERNEL.params(), KERNEL.body());

    /** Float64's pack: nothing to do. */
    public static final Kernel PACK = new Kernel("pack", List.of(
        p("b", Type.REAL_ARRAY), p("bOff", Type.INT), p("bRow", Type.INT), p("bCol", Type.INT), p("k", Type.INT), p("n", Type.INT)), List.of());

    /** All three, as every generated class knows them. */
    public static final List<Kernel> ALL = List.of(KERNEL, PACKED, PACK);

    /** Packs B (k × n) for the {@link #callPacked} products that follow. */
    public static Stmt pack(View b, Expr k, Expr n) {
        return new Call(PACK.name(), List.of(v(b.array()), b.off(), b.row(), b.col(), k, n));
    }

    /** {@link #call} with the B of the last {@link #pack}, which {@code b} must name. */
    public static Stmt callPacked(View a, View b, String c, Expr cOff, Expr cRow, Expr m, Expr n, Expr k, boolean accumulate) {
        return new Call(PACKED.name(), List.of(v(a.array()), a.off(), a.row(), a.col(), v(b.array()), b.off(), b.row(), b.col(),
            v(c), cOff, cRow, m, n, k, i(accumulate ? 1 : 0)));
    }

    /** C, an m × n block of rows {@code cRow} apart at {@code cOff} in {@code c}, (+)= A · B with inner size k. */
    public static Stmt call(View a, View b, String c, Expr cOff, Expr cRow, Expr m, Expr n, Expr k, boolean accumulate) {
        return call(a, b, c, cOff, cRow, m, n, k, i(accumulate ? 1 : 0));
    }

    /** {@link #call} with whether to add into C (1) or store (0) an int expression. */
    public static Stmt call(View a, View b, String c, Expr cOff, Expr cRow, Expr m, Expr n, Expr k, Expr accumulate) {
        return new Call(KERNEL.name(), List.of(v(a.array()), a.off(), a.row(), a.col(), v(b.array()), b.off(), b.row(), b.col(),
            v(c), cOff, cRow, m, n, k, accumulate));
    }
}

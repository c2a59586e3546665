package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;
import static seq.compiler.ir.KernelOp.HI;
import static seq.compiler.ir.KernelOp.LO;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.codegen.loops.Gemm;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/** y = x · w over the last axis of x: x is [rows, k], w is [k, n], y is [rows, n]. */
public final class MatMul {
    private MatMul() {}

    public static Op of(Value x, Value w, Value y, Span span) {
        return of(x, w, y, span, false);
    }

    /**
     * With {@code device}, the product and the input's gradient run as OpenCL kernels on a device: worth a
     * launch for products over every step of a sequence, not for a Dense layer's few rows. Either way the
     * JVM splits them across its threads, by rows (a weight's gradient by column blocks, or by row blocks
     * when the weight has fewer columns than rows).
     */
    public static Op of(Value x, Value w, Value y, Span span, boolean device) {
        // k in the middle loop and n innermost: independent output lanes HotSpot can vectorise.
        List<Stmt> body = List.of(
            loop("m", v("M"),
                loop("n", v("N"), store("y", idx(v("m"), v("N"), v("n")), r(0))),
                loop("k", v("K"),
                    let("xv", Type.REAL, at("x", idx(v("m"), v("K"), v("k")))),
                    loop("n", v("N"), addTo("y", idx(v("m"), v("N"), v("n")), mul(v("xv"), at("w", idx(v("k"), v("N"), v("n")))))))));
        // On the JVM: rows [lo, hi) of y = x · w as one blocked product.
        List<Stmt> rows = List.of(Gemm.call(new Gemm.View("x", mul(v(LO), v("K")), v("K"), i(1)), new Gemm.View("w", i(0), v("N"), i(1)),
            "y", mul(v(LO), v("N")), v("N"), sub(v(HI), v(LO)), v("N"), v("K"), false));
        return host(new KernelOp("matmul", span, List.of(x, w), List.of(y), List.of("x", "w", "y"),
            List.of(x.rows(), w.shape().get(0), y.last()), List.of("M", "K", "N"), body, g -> vjp(x, w, y, span, g, device), "m"),
            rows, device);
    }

    /** The op with {@code rows} as its JVM form over parallel iterations [lo, hi); a device kernel only with {@code device}. */
    private static KernelOp host(KernelOp op, List<Stmt> rows, boolean device) {
        return device ? op.withHost(rows) : op.withHost(rows).jvmOnly();
    }

    private static List<Op> vjp(Value x, Value w, Value y, Span span, Grads g, boolean device) {
        List<Op> out = new ArrayList<>();
        Value dy = g.of(y);
        if (g.of(x) != null) {
            // dx[m, k] += sum_n dy[m, n] w[k, n]
            List<Stmt> body = List.of(loop("m", v("M"), loop("k", v("K"),
                let("acc", Type.REAL, r(0)),
                loop("n", v("N"), set("acc", add(v("acc"), mul(at("dy", idx(v("m"), v("N"), v("n"))), at("w", idx(v("k"), v("N"), v("n"))))))),
                addTo("dx", idx(v("m"), v("K"), v("k")), v("acc")))));
            // rows [lo, hi) of dx += dy · wᵀ: B[n, k] = w[k, n].
            List<Stmt> rows = List.of(Gemm.call(new Gemm.View("dy", mul(v(LO), v("N")), v("N"), i(1)), new Gemm.View("w", i(0), i(1), v("N")),
                "dx", mul(v(LO), v("K")), v("K"), sub(v(HI), v(LO)), v("K"), v("N"), true));
            out.add(host(new KernelOp("matmul_dx", span, List.of(dy, w), List.of(g.of(x)), List.of("dy", "w", "dx"),
                List.of(x.rows(), w.shape().get(0), y.last()), List.of("M", "K", "N"), body, null, "m"), rows, device));
        }
        if (g.of(w) != null) out.addAll(weightGradient(x, w, dy, g.of(w), span, device, g));
        return out;
    }

    /** Rows of dw per parallel block when a weight's gradient is split by its rows: one tile of the runtime's product. */
    private static final int ROW_BLOCK = 8;

    /**
     * dw[k, n] += sum_m x[m, k] dy[m, n], the blocks that run in parallel taken along whichever side of dw is
     * longer. Each block reads all of the other side: across columns (COLUMN_BLOCK of them a block) every
     * thread packs the whole of xᵀ, across rows (ROW_BLOCK) the whole of dy; and a block of columns narrower
     * than the product's two-vector strips computes padding (a Dense(30)'s gradient split in 16 and 14 columns
     * made both threads compute all 32). A product over every step of a sequence ({@code device}) sums in
     * {@link PartialSums} instead, split by segments of its rows.
     */
    private static List<Op> weightGradient(Value x, Value w, Value dy, Value dw, Span span, boolean device, Grads g) {
        List<Value> in = List.of(x, dy);
        List<Size> ints = List.of(x.rows(), w.shape().get(0), dy.last());
        boolean byRows = w.shape().get(0).isConstant() && w.shape().get(1).isConstant()
            && w.shape().get(1).constant() < w.shape().get(0).constant();
        if (byRows) {
            List<Stmt> body = List.of(blocks("kb", "k", v("K"), ROW_BLOCK, loop("m", v("M"), loop("k", v("k0"), v("k1"),
                let("xv", Type.REAL, at("x", idx(v("m"), v("K"), v("k")))),
                loop("n", v("N"), addTo("dw", idx(v("k"), v("N"), v("n")), mul(v("xv"), at("dy", idx(v("m"), v("N"), v("n"))))))))));
            // rows [ROW_BLOCK·lo, ROW_BLOCK·hi) of dw += xᵀ · dy: A[k, m] = x[m, k].
            Expr k0 = mul(v(LO), i(ROW_BLOCK)), k1 = min(v("K"), mul(v(HI), i(ROW_BLOCK)));
            List<Stmt> rows = List.of(Gemm.call(new Gemm.View("x", k0, i(1), v("K")), new Gemm.View("dy", i(0), v("N"), i(1)),
                "dw", mul(k0, v("N")), v("N"), sub(k1, k0), v("N"), v("M"), true));
            return List.of(host(new KernelOp("matmul_dw", span, in, List.of(dw), List.of("x", "dy", "dw"), ints, List.of("M", "K", "N"),
                body, null, "kb"), rows, device));
        }
        if (device) return inParts(x, w, dy, dw, span, g);
        List<Stmt> body = List.of(blocks("nb", "n", v("N"), COLUMN_BLOCK, loop("m", v("M"), loop("k", v("K"),
            let("xv", Type.REAL, at("x", idx(v("m"), v("K"), v("k")))),
            loop("n", v("n0"), v("n1"), addTo("dw", idx(v("k"), v("N"), v("n")), mul(v("xv"), at("dy", idx(v("m"), v("N"), v("n"))))))))));
        // columns [COLUMN_BLOCK·lo, COLUMN_BLOCK·hi) of dw += xᵀ · dy: A[k, m] = x[m, k].
        Expr n0 = mul(v(LO), i(COLUMN_BLOCK)), n1 = min(v("N"), mul(v(HI), i(COLUMN_BLOCK)));
        List<Stmt> cols = List.of(Gemm.call(new Gemm.View("x", i(0), i(1), v("K")), new Gemm.View("dy", n0, v("N"), i(1)),
            "dw", n0, v("N"), v("K"), sub(n1, n0), v("M"), true));
        return List.of(host(new KernelOp("matmul_dw", span, in, List.of(dw), List.of("x", "dy", "dw"), ints, List.of("M", "K", "N"),
            body, null, "nb"), cols, device));
    }

    /**
     * dw += xᵀ · dy as {@link PartialSums}: segment sg's rows [first, last) of x and dy give parts[sg] =
     * x[first:last]ᵀ · dy[first:last], then the parts are added up.
     */
    private static List<Op> inParts(Value x, Value w, Value dy, Value dw, Span span, Grads g) {
        Value parts = PartialSums.parts(g, dw, Size.of(0), w.shape().get(0), dy.last());
        Expr part = PartialSums.part(v("K"), v("N"), v("k"), v("n"));
        List<Stmt> body = List.of(PartialSums.overItems(v("N"), v("M"), List.of(
            loop("k", v("K"), loop("n", v("j0"), v("j1"), store("parts", part, r(0)))),
            loop("m", v("first"), v("last"), loop("k", v("K"),
                let("xv", Type.REAL, at("x", idx(v("m"), v("K"), v("k")))),
                loop("n", v("j0"), v("j1"), addTo("parts", part, mul(v("xv"), at("dy", idx(v("m"), v("N"), v("n")))))))))));
        // On the JVM, per segment: columns [j0, j1) of parts[sg] = x[first:last]ᵀ · dy[first:last] (A[k, m] = x[m, k]).
        List<Stmt> host = List.of(PartialSums.hostSegments(v("N"), v("M"), Gemm.call(
            new Gemm.View("x", mul(v("first"), v("K")), i(1), v("K")), new Gemm.View("dy", add(mul(v("first"), v("N")), v("j0")), v("N"), i(1)),
            "parts", add(mul(mul(v("sg"), v("K")), v("N")), v("j0")), v("N"), v("K"), sub(v("j1"), v("j0")), sub(v("last"), v("first")), false)));
        KernelOp partial = new KernelOp("matmul_dw", span, List.of(x, dy), List.of(parts), List.of("x", "dy", "parts"),
            List.of(x.rows(), w.shape().get(0), dy.last()), List.of("M", "K", "N"), body, null, "sb").withHost(host);
        return List.of(partial, PartialSums.sum(parts, dw, w.shape().get(0), dy.last(), dy.last(), Size.of(0), span));
    }
}

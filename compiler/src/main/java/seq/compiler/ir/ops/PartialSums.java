package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.Grads;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * A weight's gradient summed over every step of every sample (an input kernel's, {@code xᵀ · dz}, or a
 * recurrent kernel's, {@code h₋₁ᵀ · dz}) as {@link #PARTS} partial sums over fixed segments of the samples
 * (of the rows, every step of every sample in sample order, for an input kernel), which a second op adds
 * together in segment order. Its first op splits across threads by segment (and column block), so each
 * thread reads the rows of dz that it wrote itself in the backward time loop, which splits by sample too:
 * split by columns instead, every thread read all of dz, half of it from the other core's cache, and these
 * gradients ran about a quarter slower (a two-thread experiment on model 4's shapes; docs/performance.md,
 * seventh round). The segments depend on the sizes alone, so the result is the same for any number of threads.
 */
public final class PartialSums {
    private PartialSums() {}

    /**
     * Partial sums per gradient: one segment per thread up to four threads. More cost more to add up: eight made
     * model 4 about 2% and the large model (8 MB of parts per gradient) about 1% slower than four (bench/ab), two
     * about the same as four.
     */
    public static final int PARTS = 4;

    /** The parallel items of a partial product: one per segment and block of {@link #COLUMN_BLOCK} columns. */
    private static Expr items(Expr n) {
        return mul(i(PARTS), blocksOf(n));
    }

    private static Expr blocksOf(Expr n) {
        return div(add(n, i(COLUMN_BLOCK - 1)), i(COLUMN_BLOCK));
    }

    /** The scratch buffer of {@code dst}'s partial sums: {@link #PARTS} matrices of rows × cols. */
    static Value parts(Grads g, Value dst, Size col, Size rows, Size cols) {
        String at = col.equals(Size.of(0)) ? "" : "@" + col;
        return g.scratch(dst.name() + "/parts" + at, List.of(Size.of(PARTS), rows, cols));
    }

    /** Segment sg's share [first, last) of {@code count} rows or samples. */
    private static List<Stmt> segment(Expr count) {
        return List.of(
            let("first", Type.INT, div(mul(v("sg"), count), i(PARTS))),
            let("last", Type.INT, div(mul(add(v("sg"), i(1)), count), i(PARTS))));
    }

    /**
     * The host form's loop over the segments that items [lo, hi) touch, each with its columns [j0, j1) in
     * those items and its segment [first, last) of {@code count}; {@code body} runs once per segment.
     */
    static Stmt hostSegments(Expr n, Expr count, Stmt... body) {
        Expr nb = blocksOf(n), start = mul(v("sg"), nb);
        List<Stmt> inner = new java.util.ArrayList<>(List.of(
            let("j0", Type.INT, mul(sub(max(v(KernelOp.LO), start), start), i(COLUMN_BLOCK))),
            let("j1", Type.INT, min(n, mul(sub(min(v(KernelOp.HI), add(start, nb)), start), i(COLUMN_BLOCK))))));
        inner.addAll(segment(count));
        inner.addAll(List.of(body));
        return new For("sg", div(v(KernelOp.LO), nb), div(add(v(KernelOp.HI), sub(nb, i(1))), nb), inner);
    }

    /** Segment sg's row k, column j of the partial sums (each rows × n). */
    static Expr part(Expr rows, Expr n, Expr k, Expr j) {
        return add(mul(add(mul(v("sg"), rows), k), n), j);
    }

    /**
     * The data-parallel loop of a partial product: item sb is segment sg and column block sb mod blocks, with
     * its columns [j0, j1) of n and its segment [first, last) of {@code count} (rows or samples), then
     * {@code perItem}.
     */
    static Stmt overItems(Expr n, Expr count, List<Stmt> perItem) {
        List<Stmt> body = new java.util.ArrayList<>(List.of(
            let("sg", Type.INT, div(v("sb"), blocksOf(n))),
            let("j0", Type.INT, mul(sub(v("sb"), mul(v("sg"), blocksOf(n))), i(COLUMN_BLOCK))),
            let("j1", Type.INT, min(n, add(v("j0"), i(COLUMN_BLOCK))))));
        body.addAll(segment(count));
        body.addAll(perItem);
        return new For("sb", i(0), items(n), body);
    }

    /**
     * {@code dst[r·D + A + j] += Σ_sg parts[sg, r, j]} for r below R and j below N, the segments added in
     * order sg = 0, 1, ...: the partial sums' total, split across threads by rows (and a device kernel, as the
     * partial products are).
     */
    static KernelOp sum(Value parts, Value dst, Size rows, Size cols, Size dstRow, Size at, Span span) {
        List<Stmt> body = List.of(loop("r", v("R"), loop("sg", i(PARTS), loop("j", v("N"),
            addTo("dst", add(idx(v("r"), v("D"), v("A")), v("j")), at("parts", part(v("R"), v("N"), v("r"), v("j"))))))));
        return new KernelOp("sum_parts", span, List.of(parts), List.of(dst), List.of("parts", "dst"),
            List.of(rows, cols, dstRow, at), List.of("R", "N", "D", "A"), body, null, "r");
    }
}

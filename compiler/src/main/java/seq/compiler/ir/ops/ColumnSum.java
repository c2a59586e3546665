package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.codegen.loops.RowOps;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/** {@code sum[at + j] += sum over rows r of m[r, j]}: a bias's gradient from the gradient of what it was added to. */
public final class ColumnSum {
    private ColumnSum() {}

    public static KernelOp of(Value m, Value sum, Size at, Span span) {
        // In blocks of COLUMN_BLOCK columns, each a pass over every row: the blocks can run in parallel.
        List<Stmt> body = List.of(blocks("jb", "j", v("N"), COLUMN_BLOCK, loop("r", v("M"),
            loop("j", v("j0"), v("j1"), addTo("db", add(v("A"), v("j")), at("dz", idx(v("r"), v("N"), v("j"))))))));
        // On the JVM, the blocks [lo, hi) as one call of the vectorised column sum.
        Stmt host = new Call(RowOps.COLUMN_SUM.name(), List.of(v("dz"), v("M"), v("N"), mul(v(KernelOp.LO), i(COLUMN_BLOCK)),
            min(v("N"), mul(v(KernelOp.HI), i(COLUMN_BLOCK))), v("db"), v("A")));
        return new KernelOp("column_sum", span, List.of(m), List.of(sum), List.of("dz", "db"), List.of(m.rows(), m.last(), at),
            List.of("M", "N", "A"), body, null, "jb").withHost(List.of(host));
    }
}

package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.diag.Span;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.types.Size;

/**
 * Keras's Embedding: y[n, :] = table[id_n, :] for each id of the input, which arrives as a real in the
 * input buffer. An id outside [0, V) gives a zero row and no gradient, since a kernel cannot report it.
 * The VJP adds each dy row into the table's gradient row; the ids get none.
 */
public final class Lookup {
    private Lookup() {}

    public static Op of(Value ids, Value table, Value y, Span span) {
        Expr known = new And(cmp(">=", v("id"), i(0)), cmp("<", v("id"), v("V")));
        Expr yAt = idx(v("n"), v("D"), v("d"));
        Expr tableAt = idx(v("id"), v("D"), v("d"));
        List<Size> ints = List.of(ids.size(), table.shape().get(0), table.shape().get(1));
        List<String> names = List.of("N", "V", "D");
        List<Stmt> body = List.of(loop("n", v("N"),
            let("id", Type.INT, integer(at("ids", v("n")))),
            loop("d", v("D"), store("y", yAt, select(known, at("table", tableAt), r(0))))));
        return new KernelOp("embedding", span, List.of(ids, table), List.of(y), List.of("ids", "table", "y"), ints, names, body, g -> {
            if (g.of(table) == null) return List.of();
            List<Stmt> back = List.of(loop("n", v("N"),
                let("id", Type.INT, integer(at("ids", v("n")))),
                when(known, loop("d", v("D"), addTo("dtable", tableAt, at("dy", yAt))))));
            return List.of(new KernelOp("embedding_d", span, List.of(ids, g.of(y)), List.of(g.of(table)), List.of("ids", "dy", "dtable"),
                ints, names, back, null));
        });
    }
}

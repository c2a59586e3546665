package seq.compiler.ast;

import java.util.List;
import seq.compiler.diag.Span;

/** A tensor type as written, `i32[batch, T - 4, 2]`; {@code elem} is null when the element type is left out. */
public record TypeExpr(String elem, Span elemSpan, List<DimExpr> dims, Span span) {
    public TypeExpr {
        dims = List.copyOf(dims);
    }
}

package seq.compiler.ast;

import seq.compiler.diag.Span;

/** A dimension as written in a type: `?`, an integer, a name, or arithmetic over them. */
public sealed interface DimExpr {
    Span span();

    record Unknown(Span span) implements DimExpr {}
    record Const(long value, Span span) implements DimExpr {}
    record Sym(String name, Span span) implements DimExpr {}
    record Neg(DimExpr operand, Span span) implements DimExpr {}
    record Binary(char op, DimExpr left, DimExpr right, Span span) implements DimExpr {}
    /** `floor(a / b)` or `ceil(a / b)`. */
    record Call(String fn, Span fnSpan, DimExpr arg, Span span) implements DimExpr {}
}

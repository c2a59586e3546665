package seq.compiler.ast;

import seq.compiler.diag.Span;

/** A statement of a model body. */
public sealed interface Stmt {
    Span span();
    Expr value();

    /** `let NAME = EXPR`. */
    record Let(String name, Span nameSpan, Expr value, Span span) implements Stmt {}

    /** A bare expression: a layer applied to the current value, a functional application, or a name. */
    record Eval(Expr value, Span span) implements Stmt {}
}

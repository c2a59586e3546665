package seq.compiler.ast;

import java.util.List;
import seq.compiler.diag.Span;

/** `model NAME(PARAM: TYPE, ...) -> TYPE { STATEMENTS }`; {@code result} is null when no type is declared. */
public record ModelDecl(String name, Span nameSpan, List<Param> params, TypeExpr result, List<Stmt> body, Span span) {
    public ModelDecl {
        params = List.copyOf(params);
        body = List.copyOf(body);
    }

    public record Param(String name, Span nameSpan, TypeExpr type, Span span) {}
}

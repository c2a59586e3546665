package seq.compiler.ast;

import java.util.List;
import seq.compiler.diag.Span;

/**
 * Every expression the parser accepts. The grammar is permissive; the checker decides what each
 * position allows (a layer call as a statement, numbers as arguments, arithmetic inside Lambda).
 */
public sealed interface Expr {
    Span span();

    record Name(String id, Span span) implements Expr {}
    record Int(long value, Span span) implements Expr {}
    record Float(double value, Span span) implements Expr {}
    record Str(String value, Span span) implements Expr {}
    record Bool(boolean value, Span span) implements Expr {}
    record Tuple(List<Expr> items, Span span) implements Expr {
        public Tuple { items = List.copyOf(items); }
    }
    record ListLit(List<Expr> items, Span span) implements Expr {
        public ListLit { items = List.copyOf(items); }
    }
    /** `callee(args)`: a layer constructor `Dense(10)`, or an application `Dense(10)(x)`, or `exp(v)`. */
    record Call(Expr callee, List<Arg> args, Span argsSpan, Span span) implements Expr {
        public Call { args = List.copyOf(args); }
    }
    record Lambda(String param, Span paramSpan, Expr body, Span span) implements Expr {}
    record Unary(char op, Expr operand, Span span) implements Expr {}
    record Binary(char op, Expr left, Expr right, Span span) implements Expr {}

    /** `name=value` or a positional `value` (name null). */
    record Arg(String name, Span nameSpan, Expr value, Span span) {}

    /** How an expression reads in a message: the source text, shortened. */
    static String show(Expr e) {
        String s = e.span().text().replaceAll("\\s+", " ");
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}

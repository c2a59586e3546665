package seq.compiler.layers;

import java.util.List;
import seq.compiler.ast.Expr;
import seq.compiler.diag.Span;

/** A checked argument value of a layer, optimizer or training setting. */
public sealed interface Value {
    Span span();

    record Int(long value, Span span) implements Value {}
    record Float(double value, Span span) implements Value {}
    record Bool(boolean value, Span span) implements Value {}
    record Str(String value, Span span) implements Value {}
    record Ints(List<Long> values, Span span) implements Value {
        public Ints { values = List.copyOf(values); }
    }
    /** Keras's `None` for an optional argument. */
    record None(Span span) implements Value {}
    record Nested(Layer layer, Span span) implements Value {}
    record Fn(Expr.Lambda lambda, Span span) implements Value {}
}

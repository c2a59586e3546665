package seq.compiler.layers;

import seq.compiler.diag.Span;

/**
 * A configured layer: its kind, its checked arguments and the Keras-style name it was given
 * (`lstm`, `lstm_1`, ...). {@code span} covers the whole call as written.
 */
public record Layer(LayerKind kind, String name, Args args, Span span) {
    public String describe() {
        return name + " (" + kind.name() + ")";
    }
}

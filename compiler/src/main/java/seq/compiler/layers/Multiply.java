package seq.compiler.layers;

/** Keras `Multiply`. */
public final class Multiply extends Merge {
    @Override public String name() { return "Multiply"; }
    @Override protected String operation() { return "multiplies"; }
}

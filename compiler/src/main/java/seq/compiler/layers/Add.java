package seq.compiler.layers;

/** Keras `Add`. */
public final class Add extends Merge {
    @Override public String name() { return "Add"; }
    @Override protected String operation() { return "adds"; }
}

package seq.compiler.layers;

/** Keras `MaxPooling1D`. */
public final class MaxPooling1D extends Pooling1D {
    @Override public String name() { return "MaxPooling1D"; }
    @Override protected String reduction() { return "maximum"; }
}

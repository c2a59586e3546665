package seq.compiler.layers;

/** Keras `GlobalMaxPooling1D`. */
public final class GlobalMaxPooling1D extends GlobalPooling1D {
    @Override public String name() { return "GlobalMaxPooling1D"; }
    @Override protected String reduction() { return "maximum"; }
}

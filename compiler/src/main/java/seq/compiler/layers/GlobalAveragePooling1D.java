package seq.compiler.layers;

/** Keras `GlobalAveragePooling1D`. */
public final class GlobalAveragePooling1D extends GlobalPooling1D {
    @Override public String name() { return "GlobalAveragePooling1D"; }
    @Override protected String reduction() { return "average"; }
}

package seq.compiler.layers;

/** Keras `AveragePooling1D`. */
public final class AveragePooling1D extends Pooling1D {
    @Override public String name() { return "AveragePooling1D"; }
    @Override protected String reduction() { return "average"; }
}

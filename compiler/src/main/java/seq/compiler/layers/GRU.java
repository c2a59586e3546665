package seq.compiler.layers;

import java.util.List;

/** Keras `GRU`, reset_after=true by default as in Keras 3. Gate order: update, reset, candidate. */
public final class GRU extends Recurrent {
    @Override public String name() { return "GRU"; }
    @Override protected List<String> gates() { return List.of("update", "reset", "candidate"); }
    @Override protected List<Param> extraParams() { return List.of(Param.of("reset_after", Param.Kind.BOOL, true)); }

    /** With reset_after the input and recurrent products have separate biases: shape (2, 3 · units). */
    @Override protected long[] biasShape(Layer layer, long width) {
        return layer.args().bool("reset_after") ? new long[] {2, width} : new long[] {width};
    }
}

package seq.compiler.layers;

import java.util.List;
import seq.compiler.types.TensorType;

/** What a layer's shape rule derives: the output type, the weights, and the derivation in words for `seqc explain`. */
public record Out(TensorType type, List<Weight> weights, List<String> explain) {
    public Out {
        weights = List.copyOf(weights);
        explain = List.copyOf(explain);
    }

    public long params(boolean trainable) {
        return weights.stream().filter(w -> w.trainable() == trainable).mapToLong(Weight::count).sum();
    }
}

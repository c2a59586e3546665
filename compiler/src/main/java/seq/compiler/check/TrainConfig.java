package seq.compiler.check;

import java.util.List;
import seq.compiler.layers.Args;

/** The checked `train` block, with Keras's defaults filled in. {@code optimizerArgs} follow the optimizer's schema. */
public record TrainConfig(String loss, String optimizer, Args optimizerArgs, long batchSize, long epochs, List<String> metrics,
                          double validationSplit, boolean shuffle, Long seed, Double clipnorm) {
    public TrainConfig {
        metrics = List.copyOf(metrics);
    }
}

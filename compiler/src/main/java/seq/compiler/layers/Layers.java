package seq.compiler.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every layer kind of the language, by the name users write. */
public final class Layers {
    private Layers() {}

    private static final Map<String, LayerKind> BY_NAME = new LinkedHashMap<>();

    static {
        for (LayerKind k : List.of(new Dense(), new LSTM(), new GRU(), new SimpleRNN(), new Bidirectional(),
                new TimeDistributed(), new Conv1D(), new MaxPooling1D(), new AveragePooling1D(), new GlobalMaxPooling1D(),
                new GlobalAveragePooling1D(), new Flatten(), new Reshape(), new Permute(), new RepeatVector(),
                new Dropout(), new Activation(), new Embedding(), new Concatenate(), new Add(), new Multiply(),
                new Lambda())) {
            BY_NAME.put(k.name(), k);
        }
    }

    /** Names Keras users bring from older Keras, with the Seq layer that does the job. */
    public static final Map<String, String> ALIASES = Map.of(
        "CuDNNLSTM", "LSTM", "CuDNNGRU", "GRU", "Convolution1D", "Conv1D", "MaxPool1D", "MaxPooling1D",
        "AvgPool1D", "AveragePooling1D", "GlobalMaxPool1D", "GlobalMaxPooling1D", "GlobalAvgPool1D", "GlobalAveragePooling1D");

    public static LayerKind byName(String name) { return BY_NAME.get(name); }
    public static java.util.Set<String> names() { return BY_NAME.keySet(); }
}

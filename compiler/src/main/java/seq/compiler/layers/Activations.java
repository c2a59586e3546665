package seq.compiler.layers;

import java.util.List;

/** The activation functions a layer's `activation` argument may name, as Keras spells them. */
public final class Activations {
    private Activations() {}

    public static final List<String> NAMES = List.of(
        "linear", "relu", "tanh", "sigmoid", "softmax", "elu", "gelu", "softplus", "swish", "hard_sigmoid");

    private static final List<String> ALLOWED = java.util.stream.Stream.concat(NAMES.stream(), java.util.stream.Stream.of("None")).toList();

    public static Param param(String fallback) {
        return Param.choice("activation", fallback, ALLOWED);
    }

    /** Keras's `activation=None` means linear. */
    public static String of(Args args, String name) {
        String a = args.string(name);
        return a.equals("None") ? "linear" : a;
    }
}

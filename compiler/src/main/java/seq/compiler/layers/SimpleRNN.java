package seq.compiler.layers;

import java.util.List;

/** Keras `SimpleRNN`: h = activation(x · kernel + h · recurrent_kernel + bias). */
public final class SimpleRNN extends Recurrent {
    @Override public String name() { return "SimpleRNN"; }
    @Override protected List<String> gates() { return List.of("state"); }
}

package seq.compiler.layers;

import java.util.List;

/** A weight tensor of a layer, named and laid out as Keras names and lays it out (`kernel` is (in, units)). */
public record Weight(String name, List<Long> shape, boolean trainable) {
    public Weight {
        shape = List.copyOf(shape);
    }

    public static Weight trainable(String name, long... shape) {
        return new Weight(name, java.util.Arrays.stream(shape).boxed().toList(), true);
    }

    public long count() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public Weight prefixed(String prefix) {
        return new Weight(prefix + "/" + name, shape, trainable);
    }
}

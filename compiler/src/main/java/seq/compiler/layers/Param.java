package seq.compiler.layers;

import java.util.List;

/**
 * One argument of a layer's (or optimizer's) schema: name, kind, default and the values it allows.
 * A null default means the argument is required.
 */
public record Param(String name, Kind kind, Object fallback, List<String> choices, double min, boolean minInclusive,
                    double max, String help) {
    public enum Kind {
        INT, FLOAT, BOOL, CHOICE, INTS, OPTIONAL_INT, DIMS, LAYER, LAMBDA;

        String word() {
            return switch (this) {
                case INT, OPTIONAL_INT -> "an integer";
                case FLOAT -> "a number";
                case BOOL -> "`true` or `false`";
                case CHOICE -> "a string";
                case INTS -> "an integer or a tuple of integers";
                case DIMS -> "integers";
                case LAYER -> "a layer such as `LSTM(12)`";
                case LAMBDA -> "a lambda such as `v -> v * 2`";
            };
        }
    }

    public static Param of(String name, Kind kind, Object fallback) {
        return new Param(name, kind, fallback, List.of(), Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, null);
    }

    public static Param required(String name, Kind kind) { return of(name, kind, null); }

    public static Param choice(String name, String fallback, List<String> choices) {
        return new Param(name, Kind.CHOICE, fallback, List.copyOf(choices), Double.NEGATIVE_INFINITY, true,
            Double.POSITIVE_INFINITY, null);
    }

    /** Integer sizes such as units, filters and kernel sizes: at least 1. */
    public Param positive() { return new Param(name, kind, fallback, choices, 1, true, max, help); }
    public Param atLeast(double lo) { return new Param(name, kind, fallback, choices, lo, true, max, help); }
    public Param above(double lo) { return new Param(name, kind, fallback, choices, lo, false, max, help); }
    /** A rate in [0, 1). */
    public Param fraction() { return new Param(name, kind, fallback, choices, 0, true, 1, help); }
    public Param withHelp(String text) { return new Param(name, kind, fallback, choices, min, minInclusive, max, text); }

    public boolean isRequired() { return fallback == null && kind != Kind.OPTIONAL_INT && kind != Kind.DIMS; }

    /** The allowed range in words, or null when the value is in range. */
    String rangeError(double v) {
        boolean low = minInclusive ? v < min : v <= min;
        if (max < Double.POSITIVE_INFINITY && (v < min || v >= max)) return "must be in [" + fmt(min) + ", " + fmt(max) + ")";
        if (low) return minInclusive ? "must be at least " + fmt(min) : "must be greater than " + fmt(min);
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

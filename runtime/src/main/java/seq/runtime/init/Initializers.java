package seq.runtime.init;

import java.util.Arrays;
import java.util.Locale;

/**
 * Weight initializers with Keras 3 semantics, filling flat arrays in C (row-major) order.
 *
 * <p>Every value is computed in double precision; the {@code float[]} variants store exactly
 * {@code (float)} of what the {@code double[]} variants store for the same shape and stream.
 * Draws are consumed in C order of the output (or, for {@link #orthogonal}, of the Gaussian
 * matrix Keras draws), so a given {@link Rng} state always gives the same weights.
 *
 * <p>The {@link Rng} passed in is consumed, not forked: the caller gives each weight its own
 * stream, e.g. {@code rng.fork("lstm/kernel")}, so weights do not depend on initialisation order.
 */
public final class Initializers {

    /** Keras {@code Orthogonal}'s default gain. */
    public static final double DEFAULT_ORTHOGONAL_GAIN = 1.0;

    /** Keras {@code Embedding}'s default initializer is {@code RandomUniform(-0.05, 0.05)}. */
    public static final double EMBEDDING_UNIFORM_LIMIT = 0.05;

    private Initializers() {
    }

    // ------------------------------------------------------------------------------------------
    // Shapes and fans

    /** {@code int[]} shape as {@code long[]}. */
    public static long[] toLongShape(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    /**
     * Number of elements of {@code shape} (1 for rank 0). Rejects negative dimensions and sizes
     * that do not fit a Java array.
     */
    public static int size(long[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = multiplyChecked(n, d, shape);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements, too many for one array");
        }
        return (int) n;
    }

    /**
     * {@code {fan_in, fan_out}} as Keras's {@code compute_fans}: rank 0: 1, 1; rank 1: shape[0],
     * shape[0]; rank 2: shape[0], shape[1]; rank >= 3 (convolution kernels): with
     * {@code receptive_field = prod(shape[:-2])}, {@code shape[-2] * receptive_field} and
     * {@code shape[-1] * receptive_field}.
     */
    public static long[] computeFans(long[] shape) {
        size(shape); // validates
        int rank = shape.length;
        if (rank < 1) {
            return new long[] {1, 1};
        }
        if (rank == 1) {
            return new long[] {shape[0], shape[0]};
        }
        if (rank == 2) {
            return new long[] {shape[0], shape[1]};
        }
        long receptive = 1;
        for (int i = 0; i < rank - 2; i++) {
            receptive *= shape[i];
        }
        return new long[] {shape[rank - 2] * receptive, shape[rank - 1] * receptive};
    }

    /**
     * Keras {@code GlorotUniform}'s limit, {@code sqrt(6 / (fan_in + fan_out))}; exactly, as in
     * {@code VarianceScaling(scale=1, mode="fan_avg", distribution="uniform")}:
     * {@code sqrt(3 * 1 / max(1, (fan_in + fan_out) / 2))}.
     */
    public static double glorotUniformLimit(long[] shape) {
        long[] fans = computeFans(shape);
        double fanAvg = ((double) fans[0] + (double) fans[1]) / 2.0;
        double scale = 1.0 / Math.max(1.0, fanAvg);
        return StrictMath.sqrt(3.0 * scale);
    }

    // ------------------------------------------------------------------------------------------
    // Glorot uniform

    /** Keras {@code GlorotUniform}: uniform in [-limit, limit], limit = {@link #glorotUniformLimit}. */
    public static void glorotUniform(long[] shape, Rng rng, double[] out) {
        double limit = glorotUniformLimit(shape);
        uniform(shape, -limit, limit, rng, out);
    }

    /** {@code float[]} variant of {@link #glorotUniform(long[], Rng, double[])}. */
    public static void glorotUniform(long[] shape, Rng rng, float[] out) {
        double limit = glorotUniformLimit(shape);
        uniform(shape, -limit, limit, rng, out);
    }

    public static void glorotUniform(int[] shape, Rng rng, double[] out) {
        glorotUniform(toLongShape(shape), rng, out);
    }

    public static void glorotUniform(int[] shape, Rng rng, float[] out) {
        glorotUniform(toLongShape(shape), rng, out);
    }

    /** A new array filled by {@link #glorotUniform(long[], Rng, double[])}. */
    public static double[] glorotUniform(long[] shape, Rng rng) {
        double[] out = new double[size(shape)];
        glorotUniform(shape, rng, out);
        return out;
    }

    public static double[] glorotUniform(int[] shape, Rng rng) {
        return glorotUniform(toLongShape(shape), rng);
    }

    // ------------------------------------------------------------------------------------------
    // Random uniform

    /** Keras {@code RandomUniform(min, max)}: each value {@code rng.uniform(min, max)}, in C order. */
    public static void uniform(long[] shape, double min, double max, Rng rng, double[] out) {
        checkOut(shape, out.length);
        requireRng(rng);
        checkRange(min, max);
        for (int i = 0; i < out.length; i++) {
            out[i] = rng.uniform(min, max);
        }
    }

    /** {@code float[]} variant of {@link #uniform(long[], double, double, Rng, double[])}. */
    public static void uniform(long[] shape, double min, double max, Rng rng, float[] out) {
        checkOut(shape, out.length);
        requireRng(rng);
        checkRange(min, max);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) rng.uniform(min, max);
        }
    }

    public static void uniform(int[] shape, double min, double max, Rng rng, double[] out) {
        uniform(toLongShape(shape), min, max, rng, out);
    }

    public static void uniform(int[] shape, double min, double max, Rng rng, float[] out) {
        uniform(toLongShape(shape), min, max, rng, out);
    }

    public static double[] uniform(long[] shape, double min, double max, Rng rng) {
        double[] out = new double[size(shape)];
        uniform(shape, min, max, rng, out);
        return out;
    }

    public static double[] uniform(int[] shape, double min, double max, Rng rng) {
        return uniform(toLongShape(shape), min, max, rng);
    }

    // ------------------------------------------------------------------------------------------
    // Orthogonal

    /**
     * Keras {@code Orthogonal(gain)}: with {@code rows = prod(shape[:-1])} and
     * {@code cols = shape[-1]}, draws a (max(rows, cols), min(rows, cols)) standard normal matrix
     * (C order), takes its reduced QR decomposition ({@link HouseholderQR}), multiplies Q's
     * columns by the sign of R's diagonal, transposes if {@code rows < cols}, and scales by
     * {@code gain}. The result has orthonormal columns (tall or square) or rows (wide), times
     * gain. Requires rank >= 2, as Keras does.
     */
    public static void orthogonal(long[] shape, double gain, Rng rng, double[] out) {
        checkOut(shape, out.length);
        double[] w = orthogonalValues(shape, gain, rng);
        System.arraycopy(w, 0, out, 0, w.length);
    }

    /** {@code float[]} variant of {@link #orthogonal(long[], double, Rng, double[])}. */
    public static void orthogonal(long[] shape, double gain, Rng rng, float[] out) {
        checkOut(shape, out.length);
        double[] w = orthogonalValues(shape, gain, rng);
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) w[i];
        }
    }

    public static void orthogonal(int[] shape, double gain, Rng rng, double[] out) {
        orthogonal(toLongShape(shape), gain, rng, out);
    }

    public static void orthogonal(int[] shape, double gain, Rng rng, float[] out) {
        orthogonal(toLongShape(shape), gain, rng, out);
    }

    public static double[] orthogonal(long[] shape, double gain, Rng rng) {
        return orthogonalValues(shape, gain, rng);
    }

    public static double[] orthogonal(int[] shape, double gain, Rng rng) {
        return orthogonalValues(toLongShape(shape), gain, rng);
    }

    private static double[] orthogonalValues(long[] shape, double gain, Rng rng) {
        int total = size(shape);
        requireRng(rng);
        if (shape.length < 2) {
            throw new IllegalArgumentException("the orthogonal initializer needs a shape of rank >= 2, got "
                    + Arrays.toString(shape));
        }
        if (!Double.isFinite(gain)) {
            throw new IllegalArgumentException("orthogonal gain must be finite, got " + gain);
        }
        int cols = (int) shape[shape.length - 1];
        if (total == 0) {
            return new double[0];
        }
        int rows = total / cols;
        int m = Math.max(rows, cols);
        int n = Math.min(rows, cols);
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.normal();
        }
        HouseholderQR qr = HouseholderQR.decompose(a, m, n);
        double[] q = qr.q();
        double[] r = qr.r();
        double[] sign = new double[n];
        for (int j = 0; j < n; j++) {
            // Keras multiplies by sign(diag(r)); sign(0) (probability zero) is taken as +1 here.
            sign[j] = r[j * n + j] < 0.0 ? -1.0 : 1.0;
        }
        double[] w = new double[total];
        if (rows >= cols) {
            // W (rows x cols) = Q (m = rows, n = cols) with column signs.
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    w[i * cols + j] = gain * (q[i * n + j] * sign[j]);
                }
            }
        } else {
            // Q is (m = cols, n = rows); W (rows x cols) = Q^T with Q's column signs.
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    w[i * cols + j] = gain * (q[j * n + i] * sign[i]);
                }
            }
        }
        return w;
    }

    // ------------------------------------------------------------------------------------------
    // Constants

    public static void zeros(double[] out) {
        Arrays.fill(out, 0.0);
    }

    public static void zeros(float[] out) {
        Arrays.fill(out, 0.0f);
    }

    public static double[] zeros(long[] shape) {
        return new double[size(shape)];
    }

    public static double[] zeros(int[] shape) {
        return zeros(toLongShape(shape));
    }

    public static void ones(double[] out) {
        Arrays.fill(out, 1.0);
    }

    public static void ones(float[] out) {
        Arrays.fill(out, 1.0f);
    }

    public static double[] ones(long[] shape) {
        double[] out = new double[size(shape)];
        ones(out);
        return out;
    }

    public static double[] ones(int[] shape) {
        return ones(toLongShape(shape));
    }

    // ------------------------------------------------------------------------------------------
    // LSTM unit forget bias

    /**
     * Keras LSTM's bias with {@code unit_forget_bias=True} (gate order i, f, c, o): length
     * {@code 4 * units}, zeros except ones in {@code [units, 2 * units)}.
     */
    public static double[] unitForgetBias(int units) {
        if (units < 0 || units > (Integer.MAX_VALUE - 8) / 4) {
            throw new IllegalArgumentException("invalid number of LSTM units: " + units);
        }
        double[] out = new double[4 * units];
        unitForgetBias(units, out);
        return out;
    }

    /** Fills {@code out} (length {@code 4 * units}) with the unit forget bias. */
    public static void unitForgetBias(int units, double[] out) {
        checkUnitForgetBiasLength(units, out.length);
        Arrays.fill(out, 0.0);
        Arrays.fill(out, units, 2 * units, 1.0);
    }

    /** {@code float[]} variant of {@link #unitForgetBias(int, double[])}. */
    public static void unitForgetBias(int units, float[] out) {
        checkUnitForgetBiasLength(units, out.length);
        Arrays.fill(out, 0.0f);
        Arrays.fill(out, units, 2 * units, 1.0f);
    }

    private static void checkUnitForgetBiasLength(int units, int length) {
        if (units < 0 || (long) length != 4L * units) {
            throw new IllegalArgumentException("an LSTM bias with unit forget bias for " + units
                    + " units has length " + (4L * units) + ", got an array of length " + length);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Dispatch

    /** What {@link #initialize} does for a (layer kind, weight name) pair. */
    public enum Kind {
        GLOROT_UNIFORM, ORTHOGONAL, ZEROS, UNIT_FORGET_BIAS, EMBEDDING_UNIFORM
    }

    /**
     * The initializer Keras uses by default for {@code weightName} of a layer of kind
     * {@code layerKind}:
     * <ul>
     *   <li>{@code kernel} of Dense, Conv1D, LSTM, GRU, SimpleRNN: glorot uniform;</li>
     *   <li>{@code recurrent_kernel} of LSTM, GRU, SimpleRNN: orthogonal (gain 1);</li>
     *   <li>{@code bias} of Dense, Conv1D, GRU, SimpleRNN: zeros (GRU's (2, 3 * units) bias with
     *       reset_after too); of LSTM: the unit forget bias if {@code unitForgetBias}, else
     *       zeros;</li>
     *   <li>{@code embeddings} of Embedding: uniform(-0.05, 0.05).</li>
     * </ul>
     * The layer kind is matched ignoring case and underscores ({@code "LSTM"}, {@code "lstm"},
     * {@code "SimpleRNN"}, {@code "simple_rnn"}); the weight name exactly, after dropping any
     * path prefix up to the last {@code '/'} ({@code "lstm_1/kernel"} is {@code "kernel"}).
     * {@code unitForgetBias} matters only for an LSTM's bias (only Keras's LSTM has the option).
     *
     * @throws IllegalArgumentException for an unknown layer kind or a weight the kind does not have
     */
    public static Kind kindFor(String layerKind, String weightName, boolean unitForgetBias) {
        if (layerKind == null) {
            throw new IllegalArgumentException("layer kind must not be null");
        }
        if (weightName == null) {
            throw new IllegalArgumentException("weight name must not be null");
        }
        String layer = layerKind.replace("_", "").toLowerCase(Locale.ROOT);
        String weight = weightName.substring(weightName.lastIndexOf('/') + 1);
        boolean recurrent;
        switch (layer) {
            case "dense":
            case "conv1d":
                recurrent = false;
                break;
            case "lstm":
            case "gru":
            case "simplernn":
                recurrent = true;
                break;
            case "embedding":
                if (weight.equals("embeddings")) {
                    return Kind.EMBEDDING_UNIFORM;
                }
                throw unknownWeight(layerKind, weightName, "embeddings");
            default:
                throw new IllegalArgumentException("no initializer for layer kind '" + layerKind
                        + "' (weight '" + weightName + "'); known kinds: Dense, Conv1D, LSTM, GRU,"
                        + " SimpleRNN, Embedding");
        }
        switch (weight) {
            case "kernel":
                return Kind.GLOROT_UNIFORM;
            case "bias":
                return (layer.equals("lstm") && unitForgetBias) ? Kind.UNIT_FORGET_BIAS : Kind.ZEROS;
            case "recurrent_kernel":
                if (recurrent) {
                    return Kind.ORTHOGONAL;
                }
                break;
            default:
                break;
        }
        throw unknownWeight(layerKind, weightName,
                recurrent ? "kernel, recurrent_kernel, bias" : "kernel, bias");
    }

    private static IllegalArgumentException unknownWeight(String layerKind, String weightName, String known) {
        return new IllegalArgumentException("layer kind '" + layerKind + "' has no weight '" + weightName
                + "' (its weights: " + known + ")");
    }

    /**
     * Fills {@code out} (C order, {@code shape}) with Keras's default initial values for weight
     * {@code weightName} of a layer of kind {@code layerKind}; see {@link #kindFor}. {@code rng}
     * is consumed (pass the weight's own stream, e.g. {@code seedRng.fork("lstm/kernel")}); it is
     * not touched for zeros and the unit forget bias.
     *
     * @throws IllegalArgumentException for an unknown layer kind or weight name, an array whose
     *     length is not the shape's size, or an LSTM unit-forget bias whose shape is not (4 * units)
     */
    public static void initialize(String layerKind, String weightName, long[] shape,
                                  boolean unitForgetBias, Rng rng, float[] out) {
        checkOut(shape, out.length);
        double[] values = new double[out.length];
        initialize(layerKind, weightName, shape, unitForgetBias, rng, values);
        for (int i = 0; i < out.length; i++) out[i] = (float) values[i];
    }

    /** {@code double[]} variant of {@link #initialize(String, String, long[], boolean, Rng, float[])}. */
    public static void initialize(String layerKind, String weightName, long[] shape,
                                  boolean unitForgetBias, Rng rng, double[] out) {
        Kind kind = kindFor(layerKind, weightName, unitForgetBias);
        checkOut(shape, out.length);
        switch (kind) {
            case GLOROT_UNIFORM:
                glorotUniform(shape, rng, out);
                break;
            case ORTHOGONAL:
                orthogonal(shape, DEFAULT_ORTHOGONAL_GAIN, rng, out);
                break;
            case ZEROS:
                zeros(out);
                break;
            case UNIT_FORGET_BIAS:
                unitForgetBias(lstmUnits(shape), out);
                break;
            case EMBEDDING_UNIFORM:
                uniform(shape, -EMBEDDING_UNIFORM_LIMIT, EMBEDDING_UNIFORM_LIMIT, rng, out);
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    public static void initialize(String layerKind, String weightName, int[] shape,
                                  boolean unitForgetBias, Rng rng, float[] out) {
        initialize(layerKind, weightName, toLongShape(shape), unitForgetBias, rng, out);
    }

    public static void initialize(String layerKind, String weightName, int[] shape,
                                  boolean unitForgetBias, Rng rng, double[] out) {
        initialize(layerKind, weightName, toLongShape(shape), unitForgetBias, rng, out);
    }

    private static int lstmUnits(long[] shape) {
        if (shape.length != 1 || shape[0] % 4 != 0) {
            throw new IllegalArgumentException("an LSTM bias with unit forget bias has shape (4 * units,), got "
                    + Arrays.toString(shape));
        }
        return (int) (shape[0] / 4);
    }

    // ------------------------------------------------------------------------------------------
    // Checks

    private static void checkOut(long[] shape, int length) {
        int n = size(shape);
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but the array has length " + length);
        }
    }

    private static void requireRng(Rng rng) {
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
    }

    private static void checkRange(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("invalid uniform range [" + min + ", " + max + ")");
        }
    }

    private static long multiplyChecked(long a, long b, long[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large", e);
        }
    }
}

package seq.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npz;

/**
 * The example data sets, made from seeded formulas (no downloads). `main` writes the ones shipped in
 * examples/data/; the training tests make the others in memory.
 *
 * <p>Run from the repository root: {@code mvn -q -pl examples -am test-compile} then
 * {@code java -cp "$(cat examples/target/cp.txt)" seq.examples.ExampleData examples/data} — or simply
 * let {@code ExampleDataTest} tell you when the committed files and this generator disagree.
 */
public final class ExampleData {
    private ExampleData() {}

    /** The data sets shipped as files, by example name. */
    static Map<String, NdArray[]> shipped() {
        Map<String, NdArray[]> out = new LinkedHashMap<>();
        out.put("stacked_lstm", series(1, 512, 40, 10, false, 1));
        out.put("forecast", series(2, 512, 40, 10, true, 2));
        out.put("conv_lstm_forecaster", nextStep(256, 64, 3));
        return out;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/data");
        for (Map.Entry<String, NdArray[]> e : shipped().entrySet()) {
            Map<String, NdArray> arrays = new LinkedHashMap<>();
            arrays.put("x", e.getValue()[0]);
            arrays.put("y", e.getValue()[1]);
            Npz.write(dir.resolve(e.getKey() + ".npz"), arrays);
        }
    }

    /** One value of series {@code k} at time t: two seasonal waves, a slow drift, and noise. */
    private static float value(int k, double t, double phase, double noise) {
        return (float) (Math.sin(2 * Math.PI * t / (17 + 6 * k) + phase) + 0.5 * Math.sin(2 * Math.PI * t / (5 + 2 * k) + 2 * phase)
            + 0.2 * (k + 1) * Math.cos(t / 40 + phase) + noise);
    }

    /**
     * Windows of {@code series} stacked series: x [n, steps, series], y the next {@code horizon} steps,
     * [n, horizon, series] when {@code stacked}, else [n, horizon].
     */
    static NdArray[] series(int seriesCount, int n, int steps, int horizon, boolean stacked, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * steps * seriesCount], y = new float[n * horizon * seriesCount];
        for (int i = 0; i < n; i++) {
            double phase = random.nextDouble() * 2 * Math.PI;
            for (int t = 0; t < steps + horizon; t++) {
                for (int k = 0; k < seriesCount; k++) {
                    float v = value(k, t, phase + k, 0.05 * random.nextGaussian());
                    if (t < steps) x[(i * steps + t) * seriesCount + k] = v;
                    else y[(i * horizon + t - steps) * seriesCount + k] = v;
                }
            }
        }
        long[] yShape = stacked ? new long[] {n, horizon, seriesCount} : new long[] {n, horizon};
        return new NdArray[] {NdArray.ofFloats(new long[] {n, steps, seriesCount}, x), NdArray.ofFloats(yShape, y)};
    }

    /**
     * A series in the hundreds: x is the series scaled into [0, 1] (divided by 400), y at every step
     * is the next step's value in the original units, which the model's `Lambda(v -> v * 400)` restores.
     */
    static NdArray[] nextStep(int n, int steps, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * steps], y = new float[n * steps];
        for (int i = 0; i < n; i++) {
            double phase = random.nextDouble() * 2 * Math.PI, level = 150 + 100 * random.nextDouble();
            for (int t = 0; t <= steps; t++) {
                float v = (float) (level + 60 * value(0, t, phase, 0.05 * random.nextGaussian()));
                if (t < steps) x[i * steps + t] = v / 400;
                if (t > 0) y[i * steps + t - 1] = v;
            }
        }
        return new NdArray[] {NdArray.ofFloats(new long[] {n, steps, 1}, x), NdArray.ofFloats(new long[] {n, steps, 1}, y)};
    }

    /**
     * A classification set: x [n, steps, channels] of noise, where class c adds a wave of frequency
     * depending on c to a band of channels; y one-hot [n, classes].
     */
    static NdArray[] classes(int n, int steps, int channels, int classCount, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * steps * channels], y = new float[n * classCount];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(classCount);
            y[i * classCount + c] = 1;
            double phase = random.nextDouble() * 2 * Math.PI;
            int band = channels * c / classCount, width = Math.max(1, channels / classCount);
            for (int t = 0; t < steps; t++) {
                for (int ch = 0; ch < channels; ch++) {
                    double v = 0.3 * random.nextGaussian();
                    if (ch >= band && ch < band + width) v += Math.sin(2 * Math.PI * t * (c + 2) / steps * 3 + phase);
                    x[(i * steps + t) * channels + ch] = (float) v;
                }
            }
        }
        return new NdArray[] {NdArray.ofFloats(new long[] {n, steps, channels}, x), NdArray.ofFloats(new long[] {n, classCount}, y)};
    }
}

package seq.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import seq.runtime.io.NdArray;
import seq.runtime.train.Trainer;

/**
 * Each reference model trains on its example data, with its own train block and a fixed seed, to a
 * loss far below the baseline of always predicting the mean target (for classifiers: the class
 * frequencies). Thresholds leave a wide margin; epochs are few to keep the suite quick.
 */
class TrainingTest {
    @TempDir Path tmp;

    private double train(String example, NdArray[] data, int epochs) throws Exception {
        return train(example, data, epochs, null);
    }

    private double train(String example, NdArray[] data, int epochs, Integer batch) throws Exception {
        Path jar = Trainers.build(example, tmp);
        return Trainers.withModel(jar, m -> {
            m.initialize(7);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            m.fit(data[0], data[1], new Trainer.FitOptions(epochs, batch, 0.0, 7L, null, false, null, null), new PrintStream(log));
            return m.evaluate(data[0], data[1], 64).get("loss");
        });
    }

    /** The loss of predicting each output's mean everywhere, under mse or huber. */
    static double meanBaseline(NdArray y, String loss) {
        float[] v = y.floats();
        int n = (int) y.dim(0), width = v.length / n;
        double[] mean = new double[width];
        for (int i = 0; i < v.length; i++) mean[i % width] += v[i] / n;
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            double d = Math.abs(v[i] - mean[i % width]);
            sum += loss.equals("huber") ? (d <= 1 ? 0.5 * d * d : d - 0.5) : d * d;
        }
        return sum / v.length;
    }

    /** Cross-entropy of predicting the class frequencies. */
    static double frequencyBaseline(NdArray y) {
        float[] v = y.floats();
        int n = (int) y.dim(0), k = v.length / n;
        double[] freq = new double[k];
        for (int i = 0; i < v.length; i++) freq[i % k] += v[i] / n;
        double h = 0;
        for (double f : freq) if (f > 0) h -= f * Math.log(f);
        return h;
    }

    private static void assertFarBelow(double loss, double baseline, double factor, String what) {
        assertTrue(loss < factor * baseline, String.format("%s: loss %.4f is not below %.2f × baseline %.4f", what, loss, factor, baseline));
    }

    @Test void stackedLstm() throws Exception {
        NdArray[] d = ExampleData.shipped().get("stacked_lstm");
        assertFarBelow(train("stacked_lstm.seq", d, 12), meanBaseline(d[1], "mse"), 0.5, "stacked LSTM");
    }

    @Test void twoSeriesForecast() throws Exception {
        NdArray[] d = ExampleData.shipped().get("forecast");
        assertFarBelow(train("forecast.seq", d, 12), meanBaseline(d[1], "mse"), 0.5, "two-series forecast");
    }

    @Test void timeDistributedPerSeries() throws Exception {
        NdArray[] d = ExampleData.shipped().get("forecast");
        assertFarBelow(train("time_distributed_permuted.seq", d, 12), meanBaseline(d[1], "mse"), 0.5, "TimeDistributed LSTM per series");
    }

    @Test void convLstmForecaster() throws Exception {
        NdArray[] d = ExampleData.nextStep(64, 16, 3);
        // The output is in the hundreds: the last layers need more, smaller steps than one epoch of 64 gives.
        assertFarBelow(train("conv_lstm_forecaster.seq", d, 30, 8), meanBaseline(d[1], "huber"), 0.5, "Conv1D + LSTM forecaster");
    }

    @Test void convOverNineFeatures() throws Exception {
        NdArray[] d = ExampleData.classes(128, 128, 9, 2, 5);
        assertFarBelow(train("conv1d_features.seq", d, 8), frequencyBaseline(d[1]), 0.5, "Conv1D classifier");
    }

    @Test void wideConvolutionalClassifier() throws Exception {
        NdArray[] d = ExampleData.classes(160, 72, 40, 10, 6);
        assertFarBelow(train("wide_conv_classifier.seq", d, 8), frequencyBaseline(d[1]), 0.5, "wide Conv1D classifier");
    }
}

package seq.runtime.train;

/** Keras's metrics as sums over a batch (the trainer divides by the sample count). */
final class Metrics {
    private Metrics() {}

    /**
     * The metric summed over {@code rows} samples of {@code width} values each: mae and mse average
     * over a sample's values; accuracy compares the arg-max class, or thresholds at 0.5 for one output.
     */
    static double sum(String metric, float[] pred, float[] target, int rows, int width) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            switch (metric) {
                case "mae", "mse" -> {
                    double s = 0;
                    for (int i = 0; i < width; i++) {
                        double d = pred[base + i] - target[base + i];
                        s += metric.equals("mae") ? Math.abs(d) : d * d;
                    }
                    total += s / width;
                }
                default -> {
                    if (width == 1) {
                        total += (pred[base] > 0.5) == (target[base] > 0.5) ? 1 : 0;
                    } else {
                        int p = 0, t = 0;
                        for (int i = 1; i < width; i++) {
                            if (pred[base + i] > pred[base + p]) p = i;
                            if (target[base + i] > target[base + t]) t = i;
                        }
                        total += p == t ? 1 : 0;
                    }
                }
            }
        }
        return total;
    }
}

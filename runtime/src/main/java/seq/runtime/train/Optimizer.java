package seq.runtime.train;

import java.util.LinkedHashMap;
import java.util.Map;
import seq.runtime.io.NdArray;

/**
 * Keras 3's SGD (momentum, Nesterov), Adam and RMSprop, with per-variable clipnorm, updating the
 * weights in place. The slot arrays are part of a checkpoint, so a resumed run continues exactly.
 */
public final class Optimizer {
    private final String kind;
    private final double lr, momentum, beta1, beta2, epsilon, rho;
    private final boolean nesterov;
    private final Double clipnorm;
    private final float[][] first, second;
    private long iterations;

    public Optimizer(Map<String, String> settings, float[][] weights) {
        kind = settings.getOrDefault("optimizer", "Adam");
        double defaultLr = kind.equals("SGD") ? 0.01 : 0.001;
        lr = Double.parseDouble(settings.getOrDefault("opt.learning_rate", String.valueOf(defaultLr)));
        momentum = Double.parseDouble(settings.getOrDefault("opt.momentum", "0"));
        nesterov = Boolean.parseBoolean(settings.getOrDefault("opt.nesterov", "false"));
        beta1 = Double.parseDouble(settings.getOrDefault("opt.beta_1", "0.9"));
        beta2 = Double.parseDouble(settings.getOrDefault("opt.beta_2", "0.999"));
        epsilon = Double.parseDouble(settings.getOrDefault("opt.epsilon", "1e-7"));
        rho = Double.parseDouble(settings.getOrDefault("opt.rho", "0.9"));
        clipnorm = settings.containsKey("clipnorm") ? Double.parseDouble(settings.get("clipnorm")) : null;
        first = new float[weights.length][];
        second = new float[weights.length][];
        for (int k = 0; k < weights.length; k++) {
            first[k] = new float[weights[k].length];
            second[k] = new float[weights[k].length];
        }
    }

    public void step(float[][] weights, float[][] grads) {
        iterations++;
        double adamRate = lr * Math.sqrt(1 - Math.pow(beta2, iterations)) / (1 - Math.pow(beta1, iterations));
        for (int k = 0; k < weights.length; k++) {
            float[] w = weights[k], g = grads[k], m = first[k], v = second[k];
            double scale = 1;
            if (clipnorm != null) {
                double norm = 0;
                for (float x : g) norm += (double) x * x;
                norm = Math.sqrt(norm);
                if (norm > clipnorm) scale = clipnorm / norm;
            }
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] * scale;
                switch (kind) {
                    case "SGD" -> {
                        if (momentum == 0) {
                            w[i] -= (float) (lr * gi);
                        } else {
                            m[i] = (float) (momentum * m[i] - lr * gi);
                            w[i] += (float) (nesterov ? momentum * m[i] - lr * gi : m[i]);
                        }
                    }
                    case "RMSprop" -> {
                        v[i] = (float) (rho * v[i] + (1 - rho) * gi * gi);
                        w[i] -= (float) (lr * gi / (Math.sqrt(v[i]) + epsilon));
                    }
                    default -> {
                        m[i] += (float) ((gi - m[i]) * (1 - beta1));
                        v[i] += (float) ((gi * gi - v[i]) * (1 - beta2));
                        w[i] -= (float) (adamRate * m[i] / (Math.sqrt(v[i]) + epsilon));
                    }
                }
            }
        }
    }

    public long iterations() { return iterations; }

    /** The optimizer's state as tensors, for checkpoints. */
    public Map<String, NdArray> state(Iterable<String> names) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        int k = 0;
        for (String name : names) {
            out.put("optimizer/" + name + "/m", NdArray.ofFloats(new long[] {first[k].length}, first[k].clone()));
            out.put("optimizer/" + name + "/v", NdArray.ofFloats(new long[] {second[k].length}, second[k].clone()));
            k++;
        }
        return out;
    }

    public void restore(Map<String, NdArray> tensors, Iterable<String> names, long iterations) {
        int k = 0;
        for (String name : names) {
            System.arraycopy(tensors.get("optimizer/" + name + "/m").floats(), 0, first[k], 0, first[k].length);
            System.arraycopy(tensors.get("optimizer/" + name + "/v").floats(), 0, second[k], 0, second[k].length);
            k++;
        }
        this.iterations = iterations;
    }
}

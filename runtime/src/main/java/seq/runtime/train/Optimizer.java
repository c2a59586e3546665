package seq.runtime.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import seq.runtime.io.NdArray;

/**
 * The optimizer's settings and step count. The update itself is generated code (the model class's
 * {@code step}); this class supplies its hyperparameters each step and saves its state buffers in
 * checkpoints, so a resumed run continues exactly.
 */
public final class Optimizer {
    private final Session session;
    private final float[] hyper = new float[6];
    private final double lr, beta1, beta2;
    private long iterations;

    public Optimizer(Map<String, String> settings, Session session) {
        this.session = session;
        String kind = settings.getOrDefault("optimizer", "Adam");
        lr = Double.parseDouble(settings.getOrDefault("opt.learning_rate", kind.equals("SGD") ? "0.01" : "0.001"));
        beta1 = Double.parseDouble(settings.getOrDefault("opt.beta_1", "0.9"));
        beta2 = Double.parseDouble(settings.getOrDefault("opt.beta_2", "0.999"));
        hyper[0] = (float) lr;
        hyper[1] = Float.parseFloat(settings.getOrDefault(switch (kind) {
            case "SGD" -> "opt.momentum";
            case "RMSprop" -> "opt.rho";
            default -> "opt.beta_1";
        }, kind.equals("SGD") ? "0" : "0.9"));
        hyper[2] = (float) beta2;
        hyper[3] = Float.parseFloat(settings.getOrDefault("opt.epsilon", "1e-7"));
        hyper[5] = Float.parseFloat(settings.getOrDefault("clipnorm", "0"));
    }

    /** Updates every weight from the gradients in {@code buffers}, the workspace of the last backward pass. */
    public void step(float[][] buffers, int[] dims) {
        iterations++;
        hyper[4] = (float) (lr * Math.sqrt(1 - Math.pow(beta2, iterations)) / (1 - Math.pow(beta1, iterations)));
        session.net.step(buffers, dims, hyper);
    }

    public long iterations() { return iterations; }

    /** The optimizer's state as tensors, for checkpoints. */
    public Map<String, NdArray> state() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (int k = 0; k < session.weights.length; k++) {
            String name = session.info.weights().get(k).name();
            out.put("optimizer/" + name + "/m", NdArray.ofFloats(new long[] {session.first[k].length}, session.first[k].clone()));
            out.put("optimizer/" + name + "/v", NdArray.ofFloats(new long[] {session.second[k].length}, session.second[k].clone()));
        }
        return out;
    }

    /** Null when {@code ck} holds this model's optimizer state and progress, else what is missing or wrong. */
    String checkpointProblem(seq.runtime.io.SafeTensors.File ck) {
        for (String key : java.util.List.of("iterations", "epoch", "best", "stale")) {
            String v = ck.metadata().get(key);
            if (v == null) return "no `" + key + "` in its metadata";
            try {
                if (key.equals("best")) Double.parseDouble(v); else Integer.parseInt(v);
            } catch (NumberFormatException e) {
                return "`" + key + "` is `" + v + "`, not a number";
            }
        }
        for (int k = 0; k < session.weights.length; k++) {
            String name = session.info.weights().get(k).name();
            for (String slot : java.util.List.of("m", "v")) {
                NdArray t = ck.tensors().get("optimizer/" + name + "/" + slot);
                if (t == null) return "no tensor optimizer/" + name + "/" + slot;
                if (t.floats().length != session.weights[k].length) {
                    return "optimizer/" + name + "/" + slot + " has " + t.floats().length + " values, not " + session.weights[k].length;
                }
            }
        }
        return null;
    }

    public void restore(Map<String, NdArray> tensors, long iterations) {
        for (int k = 0; k < session.weights.length; k++) {
            String name = session.info.weights().get(k).name();
            System.arraycopy(tensors.get("optimizer/" + name + "/m").floats(), 0, session.first[k], 0, session.first[k].length);
            System.arraycopy(tensors.get("optimizer/" + name + "/v").floats(), 0, session.second[k], 0, session.second[k].length);
        }
        this.iterations = iterations;
    }

    /** Fresh state, as at the start of training. */
    void reset() {
        for (float[] a : session.first) Arrays.fill(a, 0);
        for (float[] a : session.second) Arrays.fill(a, 0);
        iterations = 0;
    }
}

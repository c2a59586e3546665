package seq.runtime.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import seq.runtime.UserError;
import seq.runtime.device.Devices;
import seq.runtime.device.Executor;
import seq.runtime.init.Initializers;
import seq.runtime.init.Rng;
import seq.runtime.io.NdArray;
import seq.runtime.model.Net32;

/**
 * A loaded model: its generated class, its weights, and the buffers of each batch shape it has
 * seen. Buffers are allocated once per shape and reused; weight and gradient arrays are shared by all.
 */
public final class Session {
    final ModelInfo info;
    final Net32 net;
    final float[][] weights;
    final float[][] grads;
    /** Each weight's optimizer state: velocity or Adam's first moment, and the second moment. */
    final float[][] first, second;
    private final Map<String, float[][]> workspaces = new HashMap<>();
    /** Where the passes run; chosen from {@link #deviceMode} on first use. */
    private Executor executor;
    private String deviceMode = "jvm";
    /** Why auto or opencl ended on the JVM, for the device line; null otherwise. */
    private String notice;
    private final ClassLoader loader;
    /** Whether the device line has been given out; a trainer prints it only after {@link #useDevice}. */
    private boolean announced = true;

    public Session(ModelInfo info, Net32 net) {
        this.info = info;
        this.net = net;
        this.loader = net.getClass().getClassLoader();
        weights = new float[info.weights().size()][];
        grads = new float[info.weights().size()][];
        first = new float[info.weights().size()][];
        second = new float[info.weights().size()][];
        for (int k = 0; k < weights.length; k++) {
            ModelInfo.Weight w = info.weights().get(k);
            weights[k] = new float[(int) count(weightShape(w))];
            grads[k] = new float[weights[k].length];
            first[k] = new float[weights[k].length];
            second[k] = new float[weights[k].length];
        }
    }

    public ModelInfo info() { return info; }

    public Net32 net() { return net; }

    /**
     * Where to run: "jvm", "opencl" or "auto" (see {@link Devices}). The device is chosen, and its kernels
     * built, when the first pass needs it, after the data has been checked.
     */
    public void useDevice(String mode) {
        Devices.checkMode(mode);
        deviceMode = mode;
        executor = null;
        announced = false;
    }

    /** The executor of the chosen device, choosing it now if no pass has run yet. */
    public Executor executor() {
        if (executor == null) {
            Devices.Choice c = Devices.choose(deviceMode, net, info, loader);
            executor = c.executor();
            notice = c.notice();
        }
        return executor;
    }

    /** The device line (after a notice when auto fell back to the JVM), choosing the device if needed. */
    public String deviceLine() {
        Executor e = executor();
        announced = true;
        return (notice == null ? "" : "notice: " + notice + "\n") + "device: " + e.describe();
    }

    /** The device line the first time a trainer asks, else null: a run announces its device once. */
    String announcement() {
        return announced ? null : deviceLine();
    }

    long[] weightShape(ModelInfo.Weight w) {
        return info.buffers().get(w.buffer()).dims().stream().mapToLong(Long::parseLong).toArray();
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Keras's initialisers, each weight from its own stream of {@code seed}, so runs repeat bit for bit. */
    public void initialize(long seed) {
        Rng root = new Rng(seed);
        for (int k = 0; k < weights.length; k++) {
            ModelInfo.Weight w = info.weights().get(k);
            Initializers.initialize(w.layerKind(), w.name(), weightShape(w), w.unitForgetBias(), root.fork(w.name()), weights[k]);
        }
    }

    /** The weights by Keras name, in Keras's layouts. */
    public LinkedHashMap<String, NdArray> weights() {
        LinkedHashMap<String, NdArray> out = new LinkedHashMap<>();
        for (int k = 0; k < weights.length; k++) {
            ModelInfo.Weight w = info.weights().get(k);
            out.put(w.name(), NdArray.ofFloats(weightShape(w), weights[k].clone()));
        }
        return out;
    }

    /** The gradients of the last backward pass, named like the weights. */
    public LinkedHashMap<String, NdArray> gradients() {
        LinkedHashMap<String, NdArray> out = new LinkedHashMap<>();
        for (int k = 0; k < grads.length; k++) {
            ModelInfo.Weight w = info.weights().get(k);
            out.put(w.name(), NdArray.ofFloats(weightShape(w), grads[k].clone()));
        }
        return out;
    }

    /** Loads weights saved by a trainer (or by Keras under the same names); {@code source} names the file in messages. */
    public void setWeights(Map<String, NdArray> tensors, String source) {
        for (int k = 0; k < weights.length; k++) {
            ModelInfo.Weight w = info.weights().get(k);
            NdArray a = tensors.get(w.name());
            if (a == null) {
                throw new UserError(source + " has no tensor `" + w.name() + "`; it holds " + String.join(", ", tensors.keySet())
                    + " — were these weights saved for another model?");
            }
            if (!Arrays.equals(a.shape(), weightShape(w))) {
                throw new UserError(source + ": `" + w.name() + "` has shape " + a.shapeString() + " but model " + info.name()
                    + " needs " + NdArray.ofFloats(weightShape(w), new float[weights[k].length]).shapeString());
            }
            System.arraycopy(a.floats(), 0, weights[k], 0, weights[k].length);
        }
    }

    /** The buffers for one batch shape, weights and gradients shared with every other shape. */
    float[][] workspace(int[] dims) {
        return workspaces.computeIfAbsent(Arrays.toString(dims), key -> {
            int[] lengths = new int[info.buffers().size()];
            net.sizes(dims, lengths);
            float[][] b = new float[lengths.length][];
            for (int i = 0; i < b.length; i++) b[i] = new float[lengths[i]];
            for (int k = 0; k < weights.length; k++) {
                b[info.weights().get(k).buffer()] = weights[k];
                b[info.weights().get(k).gradient()] = grads[k];
                b[info.weights().get(k).first()] = first[k];
                b[info.weights().get(k).second()] = second[k];
            }
            return b;
        });
    }

    /** Every buffer's concrete shape for these sizes. */
    List<int[]> shapes(int[] dims) {
        int total = info.buffers().stream().mapToInt(ModelInfo.Buffer::rank).sum();
        int[] flat = new int[total];
        net.shapes(dims, flat);
        List<int[]> out = new ArrayList<>();
        int at = 0;
        for (ModelInfo.Buffer b : info.buffers()) {
            out.add(Arrays.copyOfRange(flat, at, at + b.rank()));
            at += b.rank();
        }
        return out;
    }
}

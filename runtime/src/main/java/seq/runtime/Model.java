package seq.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import seq.runtime.io.NdArray;
import seq.runtime.io.SafeTensors;
import seq.runtime.model.Net32;
import seq.runtime.train.ModelInfo;
import seq.runtime.train.Session;
import seq.runtime.train.Trainer;

/**
 * The Java API of a trainer jar: with the jar on the class path, {@code Model.load()} gives the
 * compiled model, ready to initialise or load weights, fit, evaluate and predict.
 */
public final class Model {
    private final Session session;

    private Model(Session session) {
        this.session = session;
    }

    /** The model compiled into the jar on the class path. */
    public static Model load() {
        seq.runtime.model.Gemm.startWarmUp();
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : Model.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(ModelInfo.RESOURCE)) {
            if (in == null) throw new UserError("no compiled model on the class path (" + ModelInfo.RESOURCE + " is missing); build one with `seqc build`");
            ModelInfo info = ModelInfo.read(in);
            Net32 net = (Net32) Class.forName(info.class32(), true, loader).getConstructor().newInstance();
            return new Model(new Session(info, net));
        } catch (IOException | ReflectiveOperationException e) {
            throw new UserError("the compiled model in this jar cannot be loaded: " + e);
        }
    }

    public String name() { return session.info().name(); }

    /**
     * Chooses where training and inference run: "jvm", "opencl" (the model's recurrent, convolution and
     * pooling ops as OpenCL kernels; an error when there is no OpenCL device) or "auto" (OpenCL when there
     * is a device, else the JVM). The device is found and its kernels are built now; returns what to
     * tell the user: {@code device: jvm} or {@code device: opencl — platform, device}, after a notice line
     * when auto fell back to the JVM.
     */
    public String device(String mode) {
        session.useDevice(mode);
        return session.deviceLine();
    }

    /**
     * Like {@link #device} but deferred: the device is chosen when the first pass runs, after the data
     * has been checked, and the trainer prints its line then.
     */
    public Model deviceOnFirstUse(String mode) {
        session.useDevice(mode);
        return this;
    }

    /** OpenCL kernel launches so far (0 on the JVM). */
    public long launches() { return session.executor().launches(); }

    public ModelInfo info() { return session.info(); }

    /** Keras's initialisers, reproducible from {@code seed}. */
    public Model initialize(long seed) {
        session.initialize(seed);
        return this;
    }

    public Model loadWeights(Path safetensors) {
        session.setWeights(SafeTensors.read(safetensors).tensors(), safetensors.toString());
        return this;
    }

    public void saveWeights(Path safetensors) {
        SafeTensors.write(safetensors, session.weights(), Map.of("model", name()));
    }

    public LinkedHashMap<String, NdArray> weights() { return session.weights(); }

    public Map<String, Double> fit(NdArray x, NdArray y, Trainer.FitOptions options, PrintStream progress) {
        return new Trainer(session, progress).fit(x, y, options);
    }

    public Map<String, Double> evaluate(NdArray x, NdArray y, int batchSize) {
        return new Trainer(session, System.out).evaluate(x, y, batchSize);
    }

    public NdArray predict(NdArray x, int batchSize) {
        return new Trainer(session, System.out).predict(x, batchSize);
    }

    public LinkedHashMap<String, NdArray> gradients(NdArray x, NdArray y) {
        return new Trainer(session, System.out).gradients(x, y);
    }
}

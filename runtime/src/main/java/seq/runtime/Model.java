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

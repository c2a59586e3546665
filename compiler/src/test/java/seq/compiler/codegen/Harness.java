package seq.compiler.codegen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;
import seq.compiler.Backend;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.check.CheckedModel;
import seq.compiler.codegen.asm.BytesClassLoader;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.compiler.layers.Embedding;
import seq.compiler.types.TensorType;
import seq.runtime.model.Net32;
import seq.runtime.model.Net64;

/** Compiles a model source, verifies and loads its generated class, and runs it on random data. */
final class Harness {
    final Backend.Result compiled;
    final Object net;
    final int[] dims;
    final int[] lengths;
    /** The model inputs that hold integer ids, and the ids' range: the smallest Embedding input_dim. */
    private final Set<Value> ids = new HashSet<>();
    private final int vocabulary;

    Harness(String source, Map<String, Integer> sizes, Emitter.Precision precision) throws Exception {
        Frontend.Result r = Sources.compile(source);
        if (r.diagnostics().hasErrors()) throw new AssertionError(r.diagnostics().sorted().get(0).message());
        CheckedModel model = r.models().get(0);
        compiled = Backend.compile(model, "seq/gen/Model" + precision, precision, null);
        byte[] bytes = compiled.generated().bytes();
        verify(bytes);
        ClassLoader loader = new BytesClassLoader(Harness.class.getClassLoader(), Map.of(compiled.generated().className(), bytes));
        net = loader.loadClass(compiled.generated().className()).getConstructor().newInstance();
        List<String> symbols = compiled.plan().symbols();
        dims = new int[symbols.size()];
        for (int k = 0; k < dims.length; k++) dims[k] = sizes.get(symbols.get(k));
        lengths = new int[compiled.plan().buffers().size()];
        if (net instanceof Net64 n) n.sizes(dims, lengths); else ((Net32) net).sizes(dims, lengths);
        for (int k = 0; k < model.inputs().size(); k++) {
            if (model.inputs().get(k).type().elem() == TensorType.Elem.I32) ids.add(compiled.graph().inputs().get(k));
        }
        vocabulary = model.layers().stream().filter(n -> n.layer().kind() instanceof Embedding)
            .mapToInt(n -> (int) n.layer().args().integer("input_dim")).min().orElse(1);
    }

    /** The float32 model class of {@code r}, loaded (with its device class, when it has one) from its bytes. */
    static Net32 net32(Backend.Result r) throws ReflectiveOperationException {
        ClassLoader loader = new BytesClassLoader(Harness.class.getClassLoader(), r.generated().classes());
        return (Net32) loader.loadClass(r.generated().className()).getConstructor().newInstance();
    }

    /** ASM's verifier over the emitted class: fails the test with its report on any error. */
    static void verify(byte[] bytes) {
        StringWriter report = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), Harness.class.getClassLoader(), false, new PrintWriter(report));
        if (!report.toString().isEmpty()) throw new AssertionError("generated class does not verify:\n" + report);
    }

    int index(Value v) { return compiled.plan().index(v); }

    /**
     * Buffers with inputs, targets and weights filled from a seeded generator (targets by {@code target});
     * integer inputs get ids below the vocabulary.
     */
    double[][] randomBuffers(long seed, TargetKind target) {
        Random random = new Random(seed);
        double[][] b = new double[lengths.length][];
        for (int i = 0; i < b.length; i++) b[i] = new double[lengths[i]];
        for (Value v : compiled.plan().buffers()) {
            double[] a = b[index(v)];
            switch (v.role()) {
                case INPUT -> { for (int i = 0; i < a.length; i++) a[i] = ids.contains(v) ? random.nextInt(vocabulary) : random.nextGaussian(); }
                case WEIGHT -> { for (int i = 0; i < a.length; i++) a[i] = 0.6 * (random.nextDouble() - 0.5); }
                case TARGET -> target.fill(a, compiled.graph().output(), random);
                case NOISE -> { for (int i = 0; i < a.length; i++) a[i] = random.nextBoolean() ? 2 : 0; }
                default -> { }
            }
        }
        return b;
    }

    enum TargetKind {
        REAL, PROBABILITY, ONE_HOT, CLASS_ID;

        /** Class ids and one-hot rows range over the last axis of the model's {@code output}. */
        void fill(double[] a, Value output, Random random) {
            int classes = this == ONE_HOT || this == CLASS_ID ? (int) output.last().constant() : 0;
            for (int i = 0; i < a.length; i++) {
                a[i] = switch (this) {
                    case REAL -> random.nextGaussian();
                    case PROBABILITY -> random.nextDouble();
                    case ONE_HOT -> 0;
                    case CLASS_ID -> random.nextInt(classes);
                };
            }
            if (this != ONE_HOT) return;
            for (int row = 0; row < a.length / classes; row++) a[row * classes + random.nextInt(classes)] = 1;
        }
    }

    double loss(double[][] b) {
        ((Net64) net).forward(b, dims);
        return b[index(compiled.graph().loss())][0];
    }

    /** d loss / d weights[i] by central differences with step 1e-5; weights[i] is left as it was. */
    double centralDifference(double[][] b, double[] weights, int i) {
        double saved = weights[i], step = 1e-5;
        weights[i] = saved + step;
        double up = loss(b);
        weights[i] = saved - step;
        double down = loss(b);
        weights[i] = saved;
        return (up - down) / (2 * step);
    }

    static Map<String, Integer> sizes(Object... pairs) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Integer) pairs[i + 1]);
        return m;
    }
}

package seq.compiler.pack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import seq.compiler.Backend;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.TrainConfig;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Value;
import seq.compiler.layers.Layer;
import seq.compiler.layers.Value.Bool;
import seq.compiler.report.Summary;
import seq.compiler.types.Size;
import seq.runtime.io.AtomicFiles;
import seq.runtime.train.ModelInfo;

/**
 * `seqc build`: one runnable jar holding the model's generated classes (float32 for training, float64
 * for checks) and the float32 model's OpenCL kernels, its description, its summary, and the runtime with
 * its dependencies: picocli, and Aparapi with BCEL.
 */
public final class TrainerJar {
    private TrainerJar() {}

    public record Built(Backend.Result f32, Backend.Result f64, ModelInfo info) {}

    public static Built compile(CheckedModel model) {
        String base = "seq/gen/" + model.name();
        Backend.Result f32 = Backend.compile(model, base + "32", Emitter.Precision.F32, null);
        Backend.Result f64 = Backend.compile(model, base + "64", Emitter.Precision.F64, null);
        return new Built(f32, f64, describe(model, f32));
    }

    public static void write(Built built, CheckedModel model, Path jar) {
        Map<String, byte[]> entries = new TreeMap<>();
        built.f32().generated().classes().forEach((name, bytes) -> entries.put(name.replace('.', '/') + ".class", bytes));
        entries.put(built.f64().generated().className().replace('.', '/') + ".class", built.f64().generated().bytes());
        entries.put(ModelInfo.RESOURCE, built.info().write().getBytes(StandardCharsets.UTF_8));
        entries.put("seq/summary.txt", Summary.text(model).getBytes(StandardCharsets.UTF_8));
        copyClasses(ModelInfo.class, "seq/runtime/", entries);
        copyClasses(picocli.CommandLine.class, "picocli/", entries);
        // Aparapi, for the OpenCL kernels: its classes, its native library for 64-bit Linux and macOS (the
        // Windows build needs a 28 MB libstdc++ beside it; there the trainer runs on the JVM), and BCEL.
        copyClasses(com.aparapi.Kernel.class, "com/aparapi/", entries);
        copyClasses(com.aparapi.natives.NativeLoader.class, "com/aparapi/natives/", entries);
        for (String lib : List.of("linux/libaparapi_x86_64", "linux/libaparapi_aarch64", "osx/")) {
            copyClasses(com.aparapi.natives.NativeLoader.class, lib, entries);
        }
        copyClasses(org.apache.bcel.Repository.class, "org/apache/bcel/", entries);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "seq.runtime.cli.TrainerMain");
        AtomicFiles.write(jar, out -> {
            // finish(), not close(): AtomicFiles owns the stream and syncs it before the rename.
            JarOutputStream j = new JarOutputStream(out, manifest);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue());
                j.closeEntry();
            }
            j.finish();
        });
    }

    /** The description the runtime reads: buffers, weights and how Keras initialises them, training settings. */
    public static ModelInfo describe(CheckedModel model, Backend.Result r) {
        List<ModelInfo.Buffer> buffers = new ArrayList<>();
        for (Value v : r.plan().buffers()) {
            List<String> dims = v.shape().stream().map(TrainerJar::dim).toList();
            boolean ids = v.role() == Value.Role.INPUT && model.inputs().stream()
                .anyMatch(n -> n.label().equals(v.name()) && n.type().elem() == seq.compiler.types.TensorType.Elem.I32);
            buffers.add(new ModelInfo.Buffer(ModelInfo.Role.valueOf(v.role().name()), v.name(), dims, ids, ids ? vocabulary(model) : 0));
        }
        List<ModelInfo.Weight> weights = new ArrayList<>();
        for (Value w : r.graph().weights()) {
            Layer owner = innermost(r.owners().get(w));
            boolean forgetBias = owner.args().get("unit_forget_bias") instanceof Bool b && b.value();
            weights.add(new ModelInfo.Weight(r.plan().index(w), r.plan().index(r.backward().grads().get(w)),
                r.plan().index(r.slots().get(w).get(0)), r.plan().index(r.slots().get(w).get(1)), w.name(), owner.kind().name(), forgetBias));
        }
        List<Integer> inputs = r.graph().inputs().stream().map(r.plan()::index).toList();
        Map<Integer, Double> dropout = new TreeMap<>();
        for (Value v : r.plan().buffers()) {
            if (v.role() == Value.Role.NOISE) dropout.put(r.plan().index(v), r.owners().get(v).args().number("rate"));
        }
        return new ModelInfo(model.name(), model.decl().span().file().path() + " line " + model.decl().span().line(),
            r.plan().symbols(), r.generated().className(), r.generated().className().replaceAll("32$", "64"), buffers, weights,
            inputs, dropout, r.plan().index(r.graph().output()), r.plan().index(r.graph().target()), r.plan().index(r.graph().loss()),
            settings(model.train()), r.generated().device() == null ? null : r.generated().device().className(), launches(r));
    }

    private static List<ModelInfo.Launch> launches(Backend.Result r) {
        if (r.generated().device() == null) return List.of();
        return r.generated().device().launches().stream()
            .map(l -> new ModelInfo.Launch(l.backward(), l.op(), l.id(), l.put(), l.get())).toList();
    }

    /** The ids an Embedding can take: below the smallest input_dim of the model's Embedding layers (0 if none). */
    private static long vocabulary(CheckedModel model) {
        return model.layers().stream().filter(n -> n.layer().kind() instanceof seq.compiler.layers.Embedding)
            .mapToLong(n -> n.layer().args().integer("input_dim")).min().orElse(0);
    }

    private static Layer innermost(Layer layer) {
        while (layer.args().get("layer") instanceof seq.compiler.layers.Value.Nested n) layer = n.layer();
        return layer;
    }

    /** An integer, a size bound from the data (a name, or "?id" for a `?`), or "~" for one computed from those. */
    private static String dim(Size s) {
        if (s.isConstant()) return String.valueOf(s.constant());
        java.util.Set<String> names = seq.compiler.codegen.ModelClass.names(s);
        if (names.size() == 1 && !s.toString().contains(" ")) return names.iterator().next();
        return "~";
    }

    private static Map<String, String> settings(TrainConfig t) {
        Map<String, String> out = new TreeMap<>();
        if (t == null) return out;
        out.put("loss", t.loss());
        out.put("optimizer", t.optimizer());
        for (String name : List.of("learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho")) {
            seq.compiler.layers.Value v = t.optimizerArgs().get(name);
            if (v instanceof seq.compiler.layers.Value.Float f) out.put("opt." + name, String.valueOf(f.value()));
            if (v instanceof Bool b) out.put("opt." + name, String.valueOf(b.value()));
        }
        out.put("batch_size", String.valueOf(t.batchSize()));
        out.put("epochs", String.valueOf(t.epochs()));
        out.put("metrics", String.join(",", t.metrics()));
        out.put("validation_split", String.valueOf(t.validationSplit()));
        out.put("shuffle", String.valueOf(t.shuffle()));
        if (t.seed() != null) out.put("seed", String.valueOf(t.seed()));
        if (t.clipnorm() != null) out.put("clipnorm", String.valueOf(t.clipnorm()));
        return out;
    }

    /** Copies the classes under {@code prefix} from wherever {@code anchor} was loaded: a jar, or a build folder. */
    private static void copyClasses(Class<?> anchor, String prefix, Map<String, byte[]> entries) {
        try {
            Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path root = source.resolve(prefix);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) {
                        entries.put(prefix + root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (JarEntry e : java.util.Collections.list(jar.entries())) {
                        if (e.isDirectory() || !e.getName().startsWith(prefix)) continue;
                        try (InputStream in = jar.getInputStream(e)) {
                            entries.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the runtime classes to pack: " + e, e);
        }
    }
}

package seq.examples;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.function.Supplier;
import seq.compiler.Frontend;
import seq.compiler.check.CheckedModel;
import seq.compiler.pack.TrainerJar;
import seq.runtime.Model;

/** Builds an example's trainer jar and loads its model in this JVM, as a user of the Java API would. */
final class Trainers {
    private Trainers() {}

    static Path build(String example, Path dir) throws Exception {
        Frontend.Result r = ExamplesTest.compile(Path.of(example).toAbsolutePath());
        if (r.diagnostics().hasErrors()) throw new AssertionError(example + " has errors");
        CheckedModel m = r.models().get(0);
        Path jar = dir.resolve(example.replace(".seq", ".jar"));
        TrainerJar.write(TrainerJar.compile(m), m, jar);
        return jar;
    }

    /** Runs {@code body} with the jar's model as the context class loader's, returning its result. */
    static <T> T withModel(Path jar, java.util.function.Function<Model, T> body) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Trainers.class.getClassLoader())) {
            t.setContextClassLoader(loader);
            Supplier<Model> load = Model::load;
            return body.apply(load.get());
        } finally {
            t.setContextClassLoader(saved);
        }
    }
}

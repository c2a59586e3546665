import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two trainer jars of the same model, trained in one JVM and timed epoch by epoch in alternation (A, B, B,
 * A, A, B, ...), each jar in its own class loader: on a machine whose speed moves by up to 2× within
 * minutes, only epochs timed side by side say whether a change to the generator or the runtime helped.
 * Prints each jar's median epoch (the first WARM epochs of each left out) and their ratio.
 *
 * usage: java --add-modules jdk.incubator.vector -cp DIR ModelAB A.jar B.jar X.npy Y.npy EPOCHS BATCH [WARM]
 */
public final class ModelAB {
    /** One jar's model, driven through its own copy of the runtime's Java API. */
    private static final class Trainer {
        final ClassLoader loader;
        final Object model, x, y, options;
        final Method fit;

        Trainer(String jar, String xPath, String yPath, int batch) throws Exception {
            loader = new URLClassLoader(new URL[]{Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> modelClass = Class.forName("seq.runtime.Model", true, loader);
            Class<?> npy = Class.forName("seq.runtime.io.Npy", true, loader);
            Class<?> array = Class.forName("seq.runtime.io.NdArray", true, loader);
            Class<?> fitOptions = Class.forName("seq.runtime.train.Trainer$FitOptions", true, loader);
            Object loaded = modelClass.getMethod("load").invoke(null);
            model = modelClass.getMethod("initialize", long.class).invoke(loaded, 1L);
            modelClass.getMethod("device", String.class).invoke(model, "jvm");
            Method read = npy.getMethod("read", Path.class);
            x = read.invoke(null, Path.of(xPath));
            y = read.invoke(null, Path.of(yPath));
            Constructor<?> c = fitOptions.getConstructors()[0];
            options = c.newInstance(1, batch, 0.0, 1L, null, false, null, null);
            fit = modelClass.getMethod("fit", array, array, fitOptions, PrintStream.class);
        }

        /** Seconds one epoch takes. */
        double epoch() throws Exception {
            Thread.currentThread().setContextClassLoader(loader);
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            long t = System.nanoTime();
            fit.invoke(model, x, y, options, quiet);
            return (System.nanoTime() - t) / 1e9;
        }
    }

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[4]), batch = Integer.parseInt(args[5]);
        int warm = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        Trainer[] trainers = {new Trainer(args[0], args[2], args[3], batch), new Trainer(args[1], args[2], args[3], batch)};
        double[][] times = new double[2][epochs];
        for (int e = 0; e < epochs; e++) {
            int first = (e / 2 + e) % 2; // A B, B A, A B, ... in pairs
            for (int k = 0; k < 2; k++) {
                int v = (first + k) % 2;
                times[v][e] = trainers[v].epoch();
            }
        }
        double[] median = new double[2];
        for (int v = 0; v < 2; v++) {
            double[] timed = Arrays.copyOfRange(times[v], warm, epochs);
            Arrays.sort(timed);
            median[v] = timed[timed.length / 2];
        }
        int wins = 0;
        for (int e = warm; e < epochs; e++) if (times[1][e] < times[0][e]) wins++;
        System.out.printf(Locale.ROOT, "median epoch over epochs %d–%d: A %.4f s, B %.4f s (B/A %.3f); B faster in %d of %d epoch pairs%n",
            warm + 1, epochs, median[0], median[1], median[1] / median[0], wins, epochs - warm);
    }
}

package seq.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import seq.runtime.model.Gemm;

/**
 * Runs the trainer again in a JVM that has the Vector API ({@code --add-modules jdk.incubator.vector},
 * which a jar cannot ask for in its manifest), so that products run on {@code VectorGemm}: about three
 * times the speed of plain loops. Same java, same JVM options, same class path and arguments; standard
 * input and output pass straight through, standard error too except the JVM's one-line notice that an
 * incubator module is in use; the exit status is the child's. {@code -Dseq.vector=false} (or any
 * {@code seq.vector} setting) keeps the trainer in this JVM.
 */
final class Relaunch {
    static final String NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    private Relaunch() {}

    /** The relaunched trainer's exit status, or -1 when this JVM should run the trainer itself. */
    static int withVectorApi(Class<?> main, String[] args) {
        if (Gemm.VECTOR || System.getProperty("seq.vector") != null) return -1;
        String java = ProcessHandle.current().info().command().orElse(null);
        String classPath = System.getProperty("java.class.path");
        if (java == null || classPath == null || classPath.isEmpty()) return -1;
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Dseq.vector=true"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return -1;
        }
        Thread stop = new Thread(child::destroy);
        Runtime.getRuntime().addShutdownHook(stop);
        Thread errors = new Thread(() -> copyErrors(child.getErrorStream(), System.err), "seq-stderr");
        errors.start();
        try {
            int status = child.waitFor();
            errors.join();
            Runtime.getRuntime().removeShutdownHook(stop);
            return status;
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * Copies the child's standard error as it comes, without the incubator notice if that is how it starts:
     * bytes are held back only while they still match the notice.
     */
    static void copyErrors(InputStream in, OutputStream out) {
        byte[] notice = (NOTICE + "\n").getBytes(StandardCharsets.UTF_8);
        try (in) {
            int matched = 0, b = 0;
            while (matched < notice.length && (b = in.read()) == notice[matched]) matched++;
            if (matched < notice.length) {
                out.write(notice, 0, matched);
                if (b >= 0) out.write(b);
                out.flush();
            }
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The child has gone; nothing more to copy.
        }
    }
}

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

    /**
     * Preloads the JDK's signal-chaining library ({@code lib/libjsig.so}) into the child, where the JDK has
     * one. OpenCL's CPU driver (PoCL, through LLVM) installs its own SIGSEGV handler when it is loaded, which
     * the device search does even when it then picks the JVM; HotSpot relies on SIGSEGV for its safepoint
     * polls, so without chaining about one training run in twenty died of SIGSEGV (exit status 139) in its
     * first epoch here (2 of 30 and 2 of 40 runs; with the library, 0 of 40). With it, the JVM's handler
     * comes first and passes on only the signals that are not its own.
     */
    static void preloadSignalChaining(java.util.Map<String, String> environment) {
        java.nio.file.Path jsig = java.nio.file.Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        if (!java.nio.file.Files.isRegularFile(jsig)) return;
        String preload = environment.get("LD_PRELOAD");
        if (preload != null && preload.contains(jsig.toString())) return;
        environment.put("LD_PRELOAD", preload == null || preload.isBlank() ? jsig.toString() : jsig + ":" + preload);
    }

    /** Set in the child's environment: a relaunched trainer never relaunches again. */
    static final String MARK = "SEQ_RELAUNCHED";

    /**
     * The relaunched trainer's exit status, or -1 when this JVM should run the trainer itself: when it has
     * the Vector API already, when {@code seq.vector} is set, when the JDK has no such module, when this is
     * the relaunched JVM, or when the JVM runs a debugger or agent (which a second JVM would load again).
     */
    static int withVectorApi(Class<?> main, String[] args) {
        if (Gemm.VECTOR || System.getProperty("seq.vector") != null || System.getenv(MARK) != null) return -1;
        if (java.lang.module.ModuleFinder.ofSystem().find("jdk.incubator.vector").isEmpty()) return -1;
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (options.stream().anyMatch(o -> o.startsWith("-agentlib:") || o.startsWith("-agentpath:") || o.startsWith("-javaagent:"))) {
            return -1;
        }
        String launcher = ProcessHandle.current().info().command().orElse(null);
        String classPath = System.getProperty("java.class.path");
        if (launcher == null || classPath == null || classPath.isEmpty()) return -1;
        List<String> command = new ArrayList<>(List.of(launcher, "--add-modules", "jdk.incubator.vector", "-Dseq.vector=true",
            "-Dseq.parent=" + ProcessHandle.current().pid()));
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        // These variables' options are in `options` already; the child would read them a second time.
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().put(MARK, "1");
        preloadSignalChaining(builder.environment());
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            return -1;
        }
        Thread errors = new Thread(() -> copyErrors(child.getErrorStream(), System.err), "seq-stderr");
        errors.start();
        // Stopped (Ctrl-C, kill): stop the child and wait for it to finish its own shutdown, output included.
        Thread stop = new Thread(() -> {
            child.destroy();
            try {
                child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                errors.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            int status = child.waitFor();
            errors.join();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // This JVM is being stopped, and the hook is already taking the child down.
            }
            return status;
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * In the relaunched JVM: ends it when the JVM that started it is gone (killed outright, so its
     * shutdown hook never ran), rather than training on as an orphan.
     */
    static void endWithParent() {
        String parent = System.getProperty("seq.parent");
        if (parent == null) return;
        try {
            ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(143)), () -> Runtime.getRuntime().halt(143));
        } catch (NumberFormatException e) {
            // Not set by Relaunch: nothing to watch.
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

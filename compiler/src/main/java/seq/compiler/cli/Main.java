package seq.compiler.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import seq.compiler.Frontend;
import seq.compiler.check.CheckedModel;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Renderer;
import seq.compiler.diag.SourceFile;
import seq.compiler.report.Explain;
import seq.compiler.ir.Flops;
import seq.compiler.ir.Lowering;
import seq.compiler.pack.TrainerJar;
import seq.compiler.report.Summary;

/** `seqc`: the compiler's command line. */
@Command(name = "seqc", mixinStandardHelpOptions = true, version = "seqc 0.1.0",
    description = "The Seq compiler: checks sequence models statically and explains their shapes.",
    subcommands = {Main.Check.class, Main.SummaryCommand.class, Main.ExplainCommand.class, Main.Build.class, Main.Run.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit status (0 fine, 1 errors in the source, 2 bad usage or unreadable file). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof UserError u) {
                err.println("error: " + u.getMessage());
                return 2;
            }
            throw e;
        });
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: check, summary, explain, build or run");
    }

    /** A problem with how seqc was called or with a file it could not read: one line, no stack trace. */
    static final class UserError extends RuntimeException {
        UserError(String message) { super(message); }
    }

    static Frontend.Result compile(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new UserError("cannot read `" + file + "`: no such file");
        } catch (CharacterCodingException e) {
            throw new UserError("`" + file + "` is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new UserError("cannot read `" + file + "`: " + e.getMessage());
        }
        return Frontend.run(new SourceFile(file.toString(), text));
    }

    /** Prints diagnostics as text to stderr; true when there is an error. */
    static boolean report(Frontend.Result result, PrintWriter err) {
        List<Diagnostic> all = result.diagnostics().sorted();
        for (Diagnostic d : all) err.println(Renderer.text(d));
        if (!all.isEmpty()) err.println(Renderer.summaryLine(all) + " in " + result.source().path());
        return result.diagnostics().hasErrors();
    }

    static CheckedModel pick(Frontend.Result result, String name) {
        List<CheckedModel> models = result.models();
        if (name == null) {
            if (models.isEmpty()) throw new UserError("`" + result.source().path() + "` defines no model");
            return models.get(0);
        }
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new UserError(
            "`" + result.source().path() + "` has no model `" + name + "`; it has "
                + String.join(", ", models.stream().map(CheckedModel::name).toList())));
    }

    @Command(name = "check", description = "Report diagnostics; exit 0 when there is no error, 1 when there is.")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE") List<Path> files;
        @Option(names = "--json", description = "Print diagnostics as a JSON array.") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            boolean errors = false;
            List<Diagnostic> all = new ArrayList<>();
            for (Path f : files) {
                Frontend.Result r = compile(f);
                errors |= r.diagnostics().hasErrors();
                if (json) all.addAll(r.diagnostics().sorted()); else report(r, err);
            }
            if (json) out.println(Renderer.json(all));
            return errors ? 1 : 0;
        }
    }

    @Command(name = "summary", description = "Print the Keras-style summary table of a model.")
    static final class SummaryCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--model", paramLabel = "NAME", description = "The model to summarise (default: the first).") String model;
        @Option(names = "--json", description = "Print the summary as JSON.") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            Frontend.Result r = compile(file);
            if (report(r, spec.commandLine().getErr())) return 1;
            CheckedModel m = pick(r, model);
            spec.commandLine().getOut().print(json ? Summary.json(m) + "\n" : Summary.text(m));
            return 0;
        }
    }

    @Command(name = "explain", description = "Derive each layer's shape and parameter count step by step.")
    static final class ExplainCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--model", paramLabel = "NAME", description = "The model to explain (default: the first).") String model;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            Frontend.Result r = compile(file);
            if (report(r, spec.commandLine().getErr())) return 1;
            spec.commandLine().getOut().print(Explain.text(pick(r, model)));
            return 0;
        }
    }

    /** Compiles a checked model to a trainer jar; one line and exit 2 for a layer the generator does not handle yet. */
    static TrainerJar.Built buildJar(CheckedModel m, Path jar, PrintWriter out, boolean dumpIr) {
        TrainerJar.Built built;
        try {
            built = TrainerJar.compile(m);
        } catch (Lowering.NotLowered e) {
            throw new UserError("cannot build `" + m.name() + "` yet: " + e.getMessage() + " are not compiled to trainers yet");
        }
        if (dumpIr) out.print(built.f32().dump());
        try {
            TrainerJar.write(built, m, jar);
        } catch (seq.runtime.UserError e) {
            throw new UserError(e.getMessage());
        }
        return built;
    }

    @Command(name = "build", description = "Compile a model to a self-contained, runnable trainer jar.")
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = {"-o", "--out"}, paramLabel = "OUT.jar", description = "The jar to write (default: the file's name with .jar).") Path out;
        @Option(names = "--model", paramLabel = "NAME") String model;
        @Option(names = "--dump-ir", description = "Print the IR before and after differentiation.") boolean dumpIr;
        @Option(names = "--flops", description = "Print the FLOPs of one sample's forward and backward pass (sizes from --size).") boolean flops;
        @Option(names = "--size", paramLabel = "NAME=N", description = "A size for --flops, e.g. --size T=64; the batch counts as 1.")
        java.util.Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            Frontend.Result r = compile(file);
            if (report(r, spec.commandLine().getErr())) return 1;
            CheckedModel m = pick(r, model);
            Path jar = out != null ? out : Path.of(file.getFileName().toString().replaceAll("\\.seq$", "") + ".jar");
            TrainerJar.Built built = buildJar(m, jar, spec.commandLine().getOut(), dumpIr);
            spec.commandLine().getOut().println("built " + jar + " (run it with `java -jar " + jar + " fit ...`)");
            if (flops) {
                Flops.Count count;
                try {
                    count = Flops.perSample(built.f32().graph(), built.f32().backward().ops(), sizes);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--flops: " + e.getMessage() + "; give it with --size NAME=N");
                }
                spec.commandLine().getOut().println("flops per sample (forward+backward): " + count.total());
                spec.commandLine().getOut().println("  of which products (matmul, conv1d, recurrences): " + count.products());
            }
            return 0;
        }
    }

    @Command(name = "run", description = "Build a model and train it in one step; options after FILE go to the trainer's fit.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE") Path file;
        @Option(names = "--model", paramLabel = "NAME") String model;
        @CommandLine.Unmatched List<String> trainerArgs = new ArrayList<>();
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() throws IOException, InterruptedException {
            Frontend.Result r = compile(file);
            if (report(r, spec.commandLine().getErr())) return 1;
            CheckedModel m = pick(r, model);
            String stem = file.getFileName().toString().replaceAll("\\.seq$", "");
            Path dir = Path.of("build");
            Files.createDirectories(dir);
            Path jar = dir.resolve(stem + ".jar");
            buildJar(m, jar, spec.commandLine().getOut(), false);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "fit"));
            boolean hasData = trainerArgs.stream().anyMatch(a -> a.equals("--x") || a.equals("--data") || a.equals("--csv"));
            Path data = file.toAbsolutePath().getParent().resolve("data").resolve(stem + ".npz");
            if (!hasData) {
                if (!Files.exists(data)) {
                    throw new UserError("no data for `" + file + "`: give --x X.npy --y Y.npy, --data FILE.npz or --csv FILE.csv, or put "
                        + data + " beside it");
                }
                command.addAll(List.of("--data", data.toString()));
            }
            if (trainerArgs.stream().noneMatch(a -> a.equals("--out"))) command.addAll(List.of("--out", dir.resolve(stem + ".safetensors").toString()));
            if (trainerArgs.stream().noneMatch(a -> a.equals("--show"))) command.addAll(List.of("--show", "3"));
            command.addAll(trainerArgs);
            spec.commandLine().getOut().println("built " + jar + "; training: " + String.join(" ", command.subList(1, command.size())));
            spec.commandLine().getOut().flush();
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        }
    }
}

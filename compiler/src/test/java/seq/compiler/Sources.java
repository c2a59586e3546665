package seq.compiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.SourceFile;

/** Test helpers: compile a snippet, find a diagnostic, read the shipped examples. */
public final class Sources {
    private Sources() {}

    public static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    public static Frontend.Result compile(String text) {
        return Frontend.run(new SourceFile("test.seq", text));
    }

    public static List<Diagnostic> diagnostics(String text) {
        return compile(text).diagnostics().sorted();
    }

    /** The only diagnostic with this code; fails if there is none or more than one. */
    public static Diagnostic only(String text, Code code) {
        List<Diagnostic> found = diagnostics(text).stream().filter(d -> d.code() == code).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + code + ", found " + diagnostics(text).stream()
                .map(d -> d.code() + " " + d.message()).toList());
        }
        return found.get(0);
    }

    public static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> s = Files.walk(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".seq") && !p.toString().contains("/target/")).sorted().toList();
        }
    }

    public static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}

package seq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import seq.compiler.Frontend;
import seq.compiler.check.CheckedModel;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Renderer;
import seq.compiler.diag.SourceFile;
import seq.compiler.report.Summary;

/**
 * Every `.seq` file under examples/ is a test: it must report exactly the diagnostics its
 * `// error[S0xxx]` and `// warning[S0xxx]` markers name, on the lines that carry them, and nothing
 * else. Files without error markers must compile, and their summaries must equal the golden files.
 * Run with -Dseq.updateGolden=true to rewrite the golden files after an intended change.
 */
class ExamplesTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern MARKER = Pattern.compile("//\\s*(error|warning)\\[(S\\d{4})]");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".seq") && !p.startsWith(ROOT.resolve("target")))
                .sorted().toList();
        }
    }

    static Frontend.Result compile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return Frontend.run(new SourceFile(ROOT.relativize(file).toString(), text));
    }

    @TestFactory
    Stream<DynamicTest> diagnosticsMatchMarkers() throws IOException {
        List<Path> files = examples();
        assertTrue(files.size() >= 20, "expected the reference models and error examples, found " + files.size());
        return files.stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> {
            Frontend.Result r = compile(file);
            TreeSet<String> expected = new TreeSet<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = MARKER.matcher(lines.get(i));
                while (m.find()) expected.add((i + 1) + " " + m.group(1) + "[" + m.group(2) + "]");
            }
            TreeSet<String> actual = new TreeSet<>();
            StringBuilder rendered = new StringBuilder();
            for (Diagnostic d : r.diagnostics().sorted()) {
                actual.add(d.line() + " " + d.severity().word() + "[" + d.code() + "]");
                rendered.append(Renderer.text(d));
            }
            assertEquals(expected, actual, "diagnostics of " + file + ":\n" + rendered);
        }));
    }

    @TestFactory
    Stream<DynamicTest> summariesMatchGoldenFiles() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : examples()) {
            if (file.startsWith(ROOT.resolve("errors"))) continue;
            String name = file.getFileName().toString().replace(".seq", "");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Frontend.Result r = compile(file);
                assertFalse(r.diagnostics().hasErrors(), "errors in " + file);
                StringBuilder text = new StringBuilder(), json = new StringBuilder();
                for (CheckedModel m : r.models()) {
                    text.append(Summary.text(m));
                    json.append(Summary.json(m)).append('\n');
                }
                golden(ROOT.resolve("golden").resolve(name + ".summary.txt"), text.toString());
                golden(ROOT.resolve("golden").resolve(name + ".summary.json"), json.toString());
            }));
        }
        return tests.stream();
    }

    private static void golden(Path path, String actual) throws IOException {
        if (Boolean.getBoolean("seq.updateGolden")) {
            Files.createDirectories(path.getParent());
            Files.writeString(path, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(path), "missing golden file " + path + "; run with -Dseq.updateGolden=true");
        assertEquals(Files.readString(path, StandardCharsets.UTF_8), actual, "differs from " + path);
    }
}

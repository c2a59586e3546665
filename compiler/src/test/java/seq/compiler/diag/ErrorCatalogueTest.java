package seq.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import seq.compiler.Frontend;

/**
 * docs/errors.md covers every code the compiler can emit, in order, and its examples are real: the
 * wrong example produces the code, the fixed one compiles without any diagnostic.
 */
class ErrorCatalogueTest {
    private static final Path DOC = Path.of("..", "docs", "errors.md");
    private static final Pattern SECTION = Pattern.compile("^## (S\\d{4}): (.+)$", Pattern.MULTILINE);
    private static final Pattern BLOCK = Pattern.compile("(Wrong|Fixed):\\s*```seq\\n(.*?)```", Pattern.DOTALL);

    private record Section(String code, String title, String body) {}

    private static List<Section> sections() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher m = SECTION.matcher(doc);
        List<int[]> starts = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start(), m.end()});
            heads.add(new String[] {m.group(1), m.group(2)});
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : doc.length();
            out.add(new Section(heads.get(i)[0], heads.get(i)[1], doc.substring(starts.get(i)[1], end)));
        }
        return out;
    }

    @Test
    void everyCodeHasASectionInOrderWithItsTitle() throws IOException {
        List<String> documented = sections().stream().map(s -> s.code() + ": " + s.title()).toList();
        List<String> codes = Arrays.stream(Code.values()).map(c -> c.name() + ": " + c.title()).toList();
        assertEquals(codes, documented);
    }

    @TestFactory
    Stream<DynamicTest> examplesDoWhatTheySay() throws IOException {
        return sections().stream().map(s -> DynamicTest.dynamicTest(s.code(), () -> {
            Matcher m = BLOCK.matcher(s.body());
            List<String> kinds = new ArrayList<>();
            while (m.find()) {
                kinds.add(m.group(1));
                List<Diagnostic> found = Frontend.run(new SourceFile(s.code() + ".seq", m.group(2))).diagnostics().sorted();
                List<String> codes = found.stream().map(d -> d.code().name()).toList();
                if (m.group(1).equals("Wrong")) {
                    assertTrue(codes.contains(s.code()), "wrong example of " + s.code() + " produced " + codes);
                } else {
                    assertEquals(List.of(), codes, "fixed example of " + s.code() + " should be clean");
                }
            }
            assertEquals(List.of("Wrong", "Fixed"), kinds, "each section has one wrong and one fixed example");
            assertFalse(s.body().strip().startsWith("Wrong"), "each section explains the code before its examples");
        }));
    }
}

package seq.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import seq.compiler.Frontend;
import seq.compiler.Sources;
import seq.compiler.check.CheckedModel;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Renderer;
import seq.compiler.report.Explain;
import seq.compiler.report.Summary;

/**
 * Thousands of random mutations of the example files go through the whole front end; each must end
 * in diagnostics or checked models, never an exception or a hang, and every diagnostic must render.
 */
class FuzzTest {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*|[0-9.]+|\"[^\"\\n]*\"|//[^\\n]*|->|\\s+|.", Pattern.DOTALL);
    private static final String[] JUNK = {
        "(", ")", "[", "]", "{", "}", ",", "=", "->", ":", "?", "-", "*", "/", "+", ";", "let", "model", "train",
        "LSTM(", "Dense(", "Reshape(", "Lambda(v -> ", "TimeDistributed(", "x", "T", "batch", "true", "None",
        "99999999999999999999999", "9223372036854775807", "1e400", "0", "-1", "0.5", "\"same\"", "\"unterminated",
        "/*", "*/", "@", "#", "\u0000", "\uFFFF", "\uD83D\uDE00", "\t", "\n", "i32", "u8", "floor(", "ceil(",
    };

    @Test
    void mutationsEndInDiagnosticsNeverExceptions() throws Exception {
        List<String> seeds = new ArrayList<>();
        for (Path p : Sources.exampleFiles()) seeds.add(Sources.read(p));
        assertFalse(seeds.isEmpty(), "no example files found under " + Sources.EXAMPLES);
        Random random = new Random(20261122);
        int[] withErrors = {0};
        // A generous bound on the whole run: a hang must fail the test rather than stall the build.
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (int i = 0; i < 4000; i++) {
                String source = mutate(seeds.get(random.nextInt(seeds.size())), random);
                if (frontEnd(source, i)) withErrors[0]++;
            }
        });
        assertTrue(withErrors[0] > 2000, "mutations should mostly be wrong; only " + withErrors[0] + " had errors");
    }

    @Test
    void pathologicalInputsAreReportedNotCrashed() {
        String deep = "model M(x: [batch, 4, 1]) {\n Lambda(v -> " + "(".repeat(5000) + "v" + ")".repeat(5000) + ")\n}\n";
        String minus = "model M(x: [batch, 4, 1]) {\n Lambda(v -> " + "-".repeat(200000) + "v)\n}\n";
        String chain = "model M(x: [batch, 4, 1]) {\n Lambda(v -> v" + " + v".repeat(100000) + ")\n}\n";
        String lambdas = "model M(x: [batch, 4, 1]) {\n Lambda(" + "v -> ".repeat(100000) + "v)\n}\n";
        String huge = "model M(x: [batch, 9223372036854775807, 9223372036854775807]) {\n Flatten()\n Dense(9223372036854775807)\n}\n";
        String open = "model M(x: [batch, 4, 1]) {\n" + "LSTM(".repeat(100000) + "\n}\n";
        for (String s : List.of(deep, minus, chain, lambdas, huge, open, "", "\u0000\u0001", "model", "}}}}")) {
            assertTimeoutPreemptively(Duration.ofMinutes(1), () -> frontEnd(s, -1));
        }
        assertTrue(frontEnd(deep, -1) && frontEnd(huge, -1) && frontEnd(open, -1));
    }

    /** Runs the front end and renders everything it produced; true when there were errors. */
    private static boolean frontEnd(String source, int index) {
        Frontend.Result r;
        try {
            r = Sources.compile(source);
            for (Diagnostic d : r.diagnostics().sorted()) {
                if (Renderer.text(d).isEmpty()) throw new AssertionError("empty rendering");
            }
            Renderer.json(r.diagnostics().sorted());
            for (CheckedModel m : r.models()) {
                Summary.text(m);
                Summary.json(m);
                Explain.text(m);
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("mutation " + index + " threw " + e + " on:\n" + source, e);
        }
        return r.diagnostics().hasErrors();
    }

    static String mutate(String text, Random random) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) tokens.add(m.group());
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !tokens.isEmpty(); e++) {
            int at = random.nextInt(tokens.size());
            switch (random.nextInt(9)) {
                case 0 -> tokens.remove(at);
                case 1 -> tokens.add(at, JUNK[random.nextInt(JUNK.length)]);
                case 2 -> {
                    int other = random.nextInt(tokens.size());
                    String t = tokens.get(at);
                    tokens.set(at, tokens.get(other));
                    tokens.set(other, t);
                }
                case 3 -> tokens.set(at, String.valueOf((char) random.nextInt(0x3000)));
                case 4 -> tokens.add(at, random.nextBoolean() ? "(".repeat(random.nextInt(200)) : ")".repeat(random.nextInt(200)));
                case 5 -> tokens.set(at, tokens.get(at).matches("[0-9]+") ? String.valueOf(random.nextLong()).replace("-", "") : tokens.get(at));
                case 6 -> {
                    int end = Math.min(tokens.size(), at + 1 + random.nextInt(20));
                    tokens.addAll(end, new ArrayList<>(tokens.subList(at, end)));
                }
                case 7 -> tokens.subList(at, tokens.size()).clear();
                default -> tokens.set(at, JUNK[random.nextInt(JUNK.length)]);
            }
        }
        return String.join("", tokens);
    }
}

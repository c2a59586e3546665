package seq.compiler.parse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;
import seq.compiler.ast.SeqFile;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.SourceFile;
import seq.grammar.SeqLexer;
import seq.grammar.SeqParser;

/**
 * Text to AST. Lexical problems and unbalanced brackets are reported here in Seq's words; the ANTLR
 * parser then reports the rest through {@link SyntaxErrors}. The AST is built only from a file without
 * syntax errors, so every later stage sees well-formed trees.
 */
public final class Parse {
    /** Deeper bracket nesting than any real model needs; it also bounds the recursion of later stages. */
    static final int MAX_DEPTH = 64;

    private static final Map<Integer, Integer> CLOSERS = Map.of(
        (int) '(', (int) ')', (int) '[', (int) ']', (int) '{', (int) '}');

    private Parse() {}

    /** Parses a file; returns null when it has syntax errors (they are in {@code diags}). */
    public static SeqFile file(SourceFile source, Diagnostics diags) {
        int before = diags.errorCount();
        SeqLexer lexer = new SeqLexer(CharStreams.fromString(source.text(), source.path()));
        lexer.removeErrorListeners();
        List<Token> tokens = new ArrayList<>();
        List<Token> code = new ArrayList<>();
        Token badRun = null;
        int badRunEnd = -1;
        for (Token t = lexer.nextToken(); ; t = lexer.nextToken()) {
            if (t.getType() == SeqLexer.BAD_CHAR) {
                if (badRun != null && t.getStartIndex() == badRunEnd + 1) {
                    badRunEnd = t.getStopIndex();
                    continue;
                }
                reportBad(source, diags, badRun, badRunEnd);
                badRun = t;
                badRunEnd = t.getStopIndex();
                continue;
            }
            reportBad(source, diags, badRun, badRunEnd);
            badRun = null;
            if (t.getType() == SeqLexer.UNTERMINATED_STRING) {
                diags.report(Diagnostic.of(Code.S0002, source.span(t.getStartIndex(), t.getStopIndex() + 1),
                        "unterminated string")
                    .withHelp("close the string with a matching quote on the same line"));
                continue;
            }
            if (t.getType() == SeqLexer.UNTERMINATED_COMMENT) {
                diags.report(Diagnostic.of(Code.S0003, source.span(t.getStartIndex(), t.getStartIndex() + 2),
                        "unterminated block comment")
                    .withHelp("close the comment with `*/`"));
                continue;
            }
            tokens.add(t);
            if (t.getChannel() == Token.DEFAULT_CHANNEL && t.getType() != Token.EOF) code.add(t);
            if (t.getType() == Token.EOF) break;
        }
        if (!checkBrackets(source, code, diags)) return null;

        SeqParser parser = new SeqParser(new CommonTokenStream(new ListTokenSource(tokens, source.path())));
        parser.removeErrorListeners();
        parser.setErrorHandler(new SyntaxErrors(source, diags));
        SeqParser.FileContext tree = parser.file();
        if (diags.errorCount() > before) return null;
        return new AstBuilder(source, diags).file(tree);
    }

    private static void reportBad(SourceFile source, Diagnostics diags, Token first, int end) {
        if (first == null) return;
        String chars = source.text().substring(first.getStartIndex(), end + 1);
        String shown = chars.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? "`" + chars + "`"
            : chars.codePoints().mapToObj(c -> String.format("U+%04X", c)).reduce((a, b) -> a + " " + b).orElse("");
        diags.report(Diagnostic.of(Code.S0001, source.span(first.getStartIndex(), end + 1),
                "unexpected character" + (chars.length() > 1 ? "s " : " ") + shown)
            .withHelp("remove " + (chars.length() > 1 ? "them" : "it") + "; Seq source is names, numbers, strings and `( ) [ ] { } , : = -> + - * /`"));
    }

    /** Reports every unbalanced bracket and nesting past {@link #MAX_DEPTH}; true when the brackets are sound. */
    private static boolean checkBrackets(SourceFile source, List<Token> code, Diagnostics diags) {
        Deque<Token> open = new ArrayDeque<>();
        boolean sound = true;
        for (Token t : code) {
            String s = t.getText();
            if (s.length() != 1) continue;
            int c = s.charAt(0);
            if (CLOSERS.containsKey(c)) {
                open.push(t);
                if (open.size() > MAX_DEPTH) {
                    diags.report(Diagnostic.of(Code.S0005, span(source, t),
                            "brackets nested more than " + MAX_DEPTH + " deep")
                        .withHelp("split the expression over several statements, or several Lambda layers"));
                    return false;
                }
            } else if (c == ')' || c == ']' || c == '}') {
                if (open.isEmpty()) {
                    diags.report(Diagnostic.of(Code.S0011, span(source, t), "unmatched closing `" + s + "`")
                        .withHelp("remove it, or add the opening bracket it closes"));
                    sound = false;
                } else if (CLOSERS.get((int) open.peek().getText().charAt(0)) != c) {
                    Token o = open.pop();
                    diags.report(Diagnostic.of(Code.S0011, span(source, t),
                            "`" + s + "` does not close `" + o.getText() + "`")
                        .withLabel(span(source, o), "this `" + o.getText() + "` is still open")
                        .withHelp("close `" + o.getText() + "` with `" + (char) (int) CLOSERS.get((int) o.getText().charAt(0)) + "` first"));
                    return false;
                } else {
                    open.pop();
                }
            }
        }
        for (Token o : open) {
            String closer = String.valueOf((char) (int) CLOSERS.get((int) o.getText().charAt(0)));
            diags.report(Diagnostic.of(Code.S0011, span(source, o), "`" + o.getText() + "` is never closed")
                .withHelp("add `" + closer + "` where it should end"));
            sound = false;
        }
        return sound;
    }

    static seq.compiler.diag.Span span(SourceFile source, Token t) {
        if (t.getType() == Token.EOF) {
            int end = source.text().length();
            return source.span(end, end);
        }
        return source.span(t.getStartIndex(), t.getStopIndex() + 1);
    }
}

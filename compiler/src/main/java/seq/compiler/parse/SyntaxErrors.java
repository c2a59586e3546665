package seq.compiler.parse;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.SourceFile;
import seq.grammar.SeqParser;

/**
 * ANTLR's recovery with Seq's words: "expected a layer call or `let`, found `=`" rather than a dump of
 * token names. Only the first error at a given token is reported, so one slip gives one message.
 */
final class SyntaxErrors extends DefaultErrorStrategy {
    private final SourceFile source;
    private final Diagnostics diags;
    private int lastReportedLine = -1;

    SyntaxErrors(SourceFile source, Diagnostics diags) {
        this.source = source;
        this.diags = diags;
    }

    @Override
    public void reportError(Parser parser, RecognitionException e) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = e.getOffendingToken();
        String expected;
        if (e instanceof NoViableAltException || !(e instanceof InputMismatchException)) {
            expected = describeRule(parser.getContext());
        } else {
            expected = describe(e.getExpectedTokens(), parser.getContext());
        }
        report(found, "expected " + expected + ", found " + show(found), helpFor(parser.getContext(), found));
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = parser.getCurrentToken();
        String expected = describe(getExpectedTokens(parser), parser.getContext());
        String help = helpFor(parser.getContext(), found);
        report(found, "unexpected " + show(found) + "; expected " + expected, help != null ? help : "remove " + show(found));
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = parser.getCurrentToken();
        String expected = describe(getExpectedTokens(parser), parser.getContext());
        report(found, "expected " + expected + " before " + show(found), null);
    }

    private void report(Token at, String message, String help) {
        // Recovery from one slip often trips again on the same line; report the first only.
        if (at.getLine() == lastReportedLine) return;
        lastReportedLine = at.getLine();
        Diagnostic d = Diagnostic.of(Code.S0010, Parse.span(source, at), message);
        diags.report(help == null ? d : d.withHelp(help));
    }

    private static String show(Token t) {
        if (t.getType() == Token.EOF) return "end of file";
        String text = t.getText();
        if (text.length() > 30) text = text.substring(0, 27) + "...";
        return switch (t.getType()) {
            case SeqParser.ID -> "name `" + text + "`";
            case SeqParser.INT, SeqParser.FLOAT -> "number `" + text + "`";
            case SeqParser.STRING -> "string " + text;
            default -> "`" + text + "`";
        };
    }

    /** The expected tokens in words; a long list is replaced by what the enclosing rule is looking for. */
    private static String describe(IntervalSet expected, ParserRuleContext ctx) {
        List<String> words = new ArrayList<>();
        for (int type : expected.toList()) {
            words.add(switch (type) {
                case Token.EOF -> "end of file";
                case SeqParser.ID -> "a name";
                case SeqParser.INT -> "an integer";
                case SeqParser.FLOAT -> "a number";
                case SeqParser.STRING -> "a string";
                default -> "`" + SeqParser.VOCABULARY.getLiteralName(type).replace("'", "") + "`";
            });
        }
        if (words.isEmpty() || words.size() > 4) return describeRule(ctx);
        if (words.size() == 1) return words.get(0);
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }

    private static String describeRule(ParserRuleContext ctx) {
        if (ctx == null) return "`model` or `train`";
        return switch (ctx.getRuleIndex()) {
            case SeqParser.RULE_file, SeqParser.RULE_decl -> "`model` or `train`";
            case SeqParser.RULE_model -> "a layer call, `let` or `}`";
            case SeqParser.RULE_params, SeqParser.RULE_param -> "a parameter such as `x: [batch, T, 1]`";
            case SeqParser.RULE_type -> "a tensor type such as `[batch, T, 1]`";
            case SeqParser.RULE_dim, SeqParser.RULE_size -> "a size (an integer, a name such as `T`, or `?`)";
            case SeqParser.RULE_stmt -> "a layer call, `let` or `}`";
            case SeqParser.RULE_train, SeqParser.RULE_setting -> "a setting such as `loss = mse`, or `}`";
            case SeqParser.RULE_args, SeqParser.RULE_arg -> "an argument";
            case SeqParser.RULE_lambda -> "a lambda such as `v -> v * 2`";
            default -> "a value";
        };
    }

    private static String helpFor(ParserRuleContext ctx, Token found) {
        if (ctx != null && (ctx.getRuleIndex() == SeqParser.RULE_stmt || ctx.getRuleIndex() == SeqParser.RULE_model)
            && "=".equals(found.getText())) {
            return "bind a value with `let NAME = ...`";
        }
        if (":".equals(found.getText()) && ctx != null && ctx.getRuleIndex() != SeqParser.RULE_param) {
            return "arguments are named with `=`, as in `return_sequences=true`";
        }
        if (ctx != null && ctx.getRuleIndex() == SeqParser.RULE_type) {
            return "a tensor type lists its sizes in brackets: `[batch, 40, 2]`";
        }
        return null;
    }
}

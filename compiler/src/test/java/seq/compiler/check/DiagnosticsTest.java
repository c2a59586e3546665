package seq.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static seq.compiler.Sources.diagnostics;
import static seq.compiler.Sources.only;

import java.util.List;
import org.junit.jupiter.api.Test;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Renderer;
import seq.compiler.diag.Severity;

/** Each kind of problem the issue names: the code, the line it points at, and the concrete fix in `help`. */
class DiagnosticsTest {
    @Test void denseWithTupleSuggestsDenseThenReshape() {
        Diagnostic d = only("model M(x: [batch, 6]) {\n    Dense((10, 2))\n}\n", Code.S0202);
        assertEquals(2, d.line());
        assertEquals("`Dense` produces one vector per sample; write `Dense(20)` then `Reshape(10, 2)`", d.help());
    }

    @Test void kernelSizeZeroAndDropoutRateOutOfRange() {
        List<Diagnostic> ds = diagnostics("model M(x: [batch, 9, 3]) {\n    Conv1D(4, kernel_size=0)\n}\n"
            + "model N(x: [batch, 9, 3]) {\n    Dropout(1.5)\n}\n");
        assertEquals(List.of(Code.S0203, Code.S0203), ds.stream().map(Diagnostic::code).toList());
        assertTrue(ds.get(0).message().contains("at least 1, found 0"), ds.get(0).message());
        assertTrue(ds.get(1).message().contains("[0, 1), found 1.5"), ds.get(1).message());
    }

    @Test void recurrentAfterLastStepNamesTheProducingLine() {
        Diagnostic d = only("model M(x: [batch, 40, 1]) {\n    GRU(12)\n    LSTM(6)\n}\n", Code.S0302);
        assertEquals(3, d.line());
        assertEquals("set `return_sequences=true` on `GRU(12)` at line 2 so it returns every step", d.help());
        assertEquals(2, d.labels().get(0).span().line());
    }

    @Test void recurrentAfterDenseSuggestsRepeatVector() {
        Diagnostic d = only("model M(x: [batch, 8]) {\n    Dense(4)\n    LSTM(6)\n}\n", Code.S0302);
        assertTrue(d.help().contains("RepeatVector"), d.help());
    }

    @Test void reshapeCountMismatchShowsBothCounts() {
        Diagnostic d = only("model M(x: [batch, 4, 5]) {\n    Reshape(3, 7)\n}\n", Code.S0303);
        assertTrue(d.message().contains("21") && d.message().contains("20"), d.message());
    }

    @Test void symbolicReshapeWithInferredAxis() {
        var r = seq.compiler.Sources.compile("model M(x: [batch, T, 4]) {\n    Reshape(-1, 2)\n}\n");
        assertEquals(List.of(), r.diagnostics().sorted());
        assertEquals("[batch, 2 * T, 2]", r.models().get(0).output().type().toString());
    }

    @Test void windowLongerThanInputShowsArithmetic() {
        Diagnostic d = only("model M(x: [batch, 5, 3]) {\n    Conv1D(8, 10)\n}\n", Code.S0304);
        assertTrue(d.message().contains("5 - 10 + 1 = -4"), d.message());
    }

    @Test void declaredTypeNamesTheConvAndSuggestsCausal() {
        Diagnostic d = only("model M(x: [batch, T, 1]) -> [batch, T, 1] {\n    Conv1D(8, 5)\n    Dense(1)\n}\n", Code.S0305);
        assertTrue(d.message().contains("[batch, T - 4, 1]"), d.message());
        assertEquals(2, d.labels().get(0).span().line());
        assertTrue(d.help().contains("padding=\"causal\""), d.help());
    }

    @Test void declaredTypeWithDifferentRankSuggestsReshape() {
        Diagnostic d = only("model M(x: [batch, 40, 2]) -> [batch, 10, 2] {\n    LSTM(6)\n    Dense(20)\n}\n", Code.S0305);
        assertEquals("add `Reshape(10, 2)` as the last statement", d.help());
    }

    @Test void wildcardInDeclaredTypeAcceptsAnySize() {
        assertEquals(List.of(), diagnostics("model M(x: [batch, T, 1]) -> [batch, ?, 8] {\n    Conv1D(8, 5)\n}\n"));
    }

    @Test void mergeMismatchLabelsBothInputs() {
        Diagnostic d = only("model M(x: [batch, 72, 4]) {\n    let a = Conv1D(8, 3, padding=\"same\")(x)\n"
            + "    let b = Conv1D(8, 3)(x)\n    Concatenate()(a, b)\n}\n", Code.S0306);
        assertEquals(2, d.labels().size());
        assertTrue(d.message().contains("72 and 70"), d.message());
    }

    @Test void undefinedNameWithDidYouMean() {
        Diagnostic d = only("model M(x: [batch, 72, 4]) {\n    let conv = Conv1D(8, 3)(x)\n    Flatten()(cnov)\n}\n", Code.S0102);
        assertEquals("did you mean `conv`?", d.help());
    }

    @Test void unknownLayerAndArgumentWithDidYouMean() {
        assertEquals("did you mean `LSTM`?", only("model M(x: [batch, 4, 1]) {\n    LTSM(3)\n}\n", Code.S0101).help());
        assertEquals("did you mean `return_sequences`?",
            only("model M(x: [batch, 4, 1]) {\n    LSTM(3, return_sequence=true)\n}\n", Code.S0201).help());
    }

    @Test void duplicateNamePointsAtBothDefinitions() {
        Diagnostic d = only("model M(x: [batch, 4, 1]) {\n    let a = Dense(2)(x)\n    let a = Dense(3)(x)\n    a\n}\n", Code.S0103);
        assertEquals(3, d.line());
        assertEquals(2, d.labels().get(0).span().line());
    }

    @Test void unusedValueIsAWarning() {
        Diagnostic d = only("model M(x: [batch, 4, 1]) {\n    let a = Dense(2)(x)\n    Dense(3)(x)\n}\n", Code.S0901);
        assertEquals(Severity.WARNING, d.severity());
        assertEquals(2, d.line());
    }

    @Test void allIndependentErrorsAreReported() {
        List<Diagnostic> ds = diagnostics("model A(x: [batch, 4, 1]) {\n    LTSM(3)\n}\n"
            + "model B(x: [batch, 4]) {\n    Conv1D(2, 2)\n}\n"
            + "model C(x: [batch, 4, 1]) {\n    Dense(2, activaton=\"relu\")\n    Dropout(2.0)\n}\n");
        assertEquals(List.of(Code.S0101, Code.S0301, Code.S0201, Code.S0203), ds.stream().map(Diagnostic::code).toList());
    }

    @Test void errorsAfterAFailedLayerDoNotCascade() {
        List<Diagnostic> ds = diagnostics("model A(x: [batch, 4]) {\n    Conv1D(2, 2)\n    LSTM(3)\n    Dense(1)\n}\n");
        assertEquals(List.of(Code.S0301), ds.stream().map(Diagnostic::code).toList());
    }

    @Test void syntaxErrorSaysWhatWasExpectedInSeqTerms() {
        Diagnostic d = only("model M(x: [batch, 4, 1]) {\n    LSTM(3, return_sequences: true)\n}\n", Code.S0010);
        assertTrue(!d.message().contains("'") && !d.message().contains("ID"), d.message());
        assertTrue(d.help().contains("="), d.help());
        Diagnostic e = only("model M(x [batch, 4, 1]) {\n}\n", Code.S0010);
        assertEquals("expected `:` before `[`", e.message());
    }

    @Test void renderingHasCodeLocationCaretAndHelp() {
        Diagnostic d = only("model M(x: [batch, 40, 1]) {\n    LSTM(12)\n    LSTM(6)\n}\n", Code.S0302);
        String text = Renderer.text(d);
        assertEquals("""
            error[S0302]: `LSTM` expects a sequence [batch, time, features], found [batch, 12], which has no time axis
             --> test.seq:3:5
              |
            2 |     LSTM(12)
              |     -------- this returns only its last step (return_sequences is false)
            3 |     LSTM(6)
              |     ^^^^^^^
              |
              = help: set `return_sequences=true` on `LSTM(12)` at line 2 so it returns every step
            """, text);
    }

    @Test void jsonHasTheContractFields() {
        String json = Renderer.json(diagnostics("model M(x: [batch, 4, 1]) {\n    LTSM(3)\n}\n"));
        assertTrue(json.contains("\"severity\": \"error\", \"code\": \"S0101\", \"file\": \"test.seq\", \"line\": 2, \"column\": 5"), json);
        assertTrue(json.contains("\"help\": \"did you mean `LSTM`?\""), json);
    }

    @Test void applyingToAListSuggestsTheValuesAndWarnsNothingElse() {
        List<Diagnostic> ds = diagnostics("model M(x: [batch, 9, 3]) {\n    let a = Dense(2)(x)\n    let b = Dense(2)(x)\n"
            + "    Concatenate()([a, b])\n}\n");
        assertEquals(List.of(Code.S0012), ds.stream().map(Diagnostic::code).toList());
        assertEquals("list the values directly: `Concatenate()(a, b)`", ds.get(0).help());
    }

    @Test void dilatedWindowHelpAccountsForTheDilation() {
        Diagnostic d = only("model M(x: [batch, 10, 3]) {\n    Conv1D(8, 4, dilation_rate=4)\n}\n", Code.S0304);
        assertTrue(d.help().startsWith("use a kernel_size of at most 3 (with dilation_rate 4)"), d.help());
    }

    @Test void positionalAfterKeywordIsOneError() {
        assertEquals(List.of(Code.S0207), diagnostics("model M(x: [batch, 10, 3]) {\n    Conv1D(filters=32, 5)\n}\n")
            .stream().map(Diagnostic::code).toList());
    }

    @Test void kerasAliasesGetTheSeqName() {
        assertEquals("use `LSTM`", only("model M(x: [batch, 4, 1]) {\n    CuDNNLSTM(3)\n}\n", Code.S0101).help());
        assertEquals("Seq spells it `mse`", only("model M(x: [batch, 4, 1]) {\n    Flatten()\n}\n"
            + "train M {\n    loss = mean_squared_error\n}\n", Code.S0402).help());
    }
}

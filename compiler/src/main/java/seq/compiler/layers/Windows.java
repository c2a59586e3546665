package seq.compiler.layers;

import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.types.Size;

/** The output length of a sliding window (Conv1D, pooling) and its derivation in words. */
final class Windows {
    private Windows() {}

    record Length(Size size, String words) {}

    /**
     * Length after sliding a window of {@code taps} taps, {@code dilation} steps apart, with {@code stride}
     * over {@code length} steps; null after reporting a window that cannot fit.
     */
    static Length of(Layer layer, Size length, long taps, long dilation, long stride, String padding, String windowArg,
                     Diagnostics diags) {
        long span = Math.addExact(Math.multiplyExact(dilation, taps - 1), 1);
        if (!padding.equals("valid")) {
            Size out = length.ceilDiv(stride);
            String how = padding.equals("causal") ? "padding=\"causal\" pads " + (span - 1) + " steps on the left"
                : "padding=\"same\" pads so every step is a window centre";
            return new Length(out, stride == 1 ? how + ", keeping " + length + " steps"
                : how + ": ceil(" + length + " / " + stride + ") = " + out + " steps");
        }
        Size out = length.minus(span).floorDiv(stride).plus(1);
        String arithmetic = stride == 1
            ? length + " - " + span + " + 1 = " + out
            : "floor((" + length + " - " + span + ") / " + stride + ") + 1 = " + out;
        if (out.isConstant() && out.constant() <= 0) {
            diags.report(Diagnostic.of(Code.S0304, layer.args().span(windowArg), "the window of `" + layer.kind().name()
                    + "` spans " + span + " steps but its input has only " + length + ": " + arithmetic + " steps")
                .withHelp("use a " + windowArg + " of at most " + ((length.constant() - 1) / dilation + 1)
                    + (dilation > 1 ? " (with dilation_rate " + dilation + ")" : "") + ", or `padding=\"same\"`"));
            return null;
        }
        return new Length(out, "padding=\"valid\" keeps only windows that fit: " + arithmetic + " steps");
    }
}

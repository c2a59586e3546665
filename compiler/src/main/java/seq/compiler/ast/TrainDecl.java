package seq.compiler.ast;

import java.util.List;
import seq.compiler.diag.Span;

/** `train MODEL { key = value ... }`. */
public record TrainDecl(String model, Span modelSpan, List<Setting> settings, Span span) {
    public TrainDecl {
        settings = List.copyOf(settings);
    }

    public record Setting(String key, Span keySpan, Expr value, Span span) {}
}

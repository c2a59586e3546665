package seq.compiler.diag;

import java.util.ArrayList;
import java.util.List;

/** The one problem report of the compiler: syntax, name, argument, shape and training errors alike. */
public record Diagnostic(Severity severity, Code code, String message, Span span, List<Label> labels, String help) {
    public Diagnostic {
        labels = List.copyOf(labels);
        if (code.severity() != severity) throw new IllegalArgumentException(code + " is a " + code.severity().word());
    }

    public static Diagnostic of(Code code, Span span, String message) {
        return new Diagnostic(code.severity(), code, message, span, List.of(), null);
    }

    public Diagnostic withHelp(String help) {
        return new Diagnostic(severity, code, message, span, labels, help);
    }

    public Diagnostic withLabel(Span at, String note) {
        List<Label> more = new ArrayList<>(labels);
        more.add(new Label(at, note));
        return new Diagnostic(severity, code, message, span, more, help);
    }

    public int line() { return span.line(); }
    public int column() { return span.column(); }
}

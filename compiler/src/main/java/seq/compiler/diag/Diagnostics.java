package seq.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every diagnostic of a compilation, so one run reports all independent problems. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public Diagnostic report(Diagnostic d) {
        all.add(d);
        return d;
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public int errorCount() {
        return (int) all.stream().filter(d -> d.severity() == Severity.ERROR).count();
    }

    /** In source order, as a reader meets them. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(all);
        out.sort(Comparator.comparing((Diagnostic d) -> d.span().file().path()).thenComparingInt(d -> d.span().start()));
        return out;
    }
}

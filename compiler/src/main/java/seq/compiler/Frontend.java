package seq.compiler;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import seq.compiler.ast.SeqFile;
import seq.compiler.check.Checker;
import seq.compiler.check.CheckedModel;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.SourceFile;
import seq.compiler.parse.Parse;

/** The front end as one step: source text to checked models plus every diagnostic. */
public final class Frontend {
    private Frontend() {}

    public record Result(SourceFile source, List<CheckedModel> models, Diagnostics diagnostics) {}

    /**
     * Parses and checks. Runs on a thread with a large stack: the recursive stages are bounded by the
     * bracket-depth check, but a pathological chain such as ten thousand unary minuses still recurses.
     */
    public static Result run(SourceFile source) {
        Diagnostics diags = new Diagnostics();
        AtomicReference<List<CheckedModel>> models = new AtomicReference<>(List.of());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                SeqFile file = Parse.file(source, diags);
                if (file != null) models.set(Checker.check(file, diags));
            } catch (StackOverflowError e) {
                diags.report(Diagnostic.of(Code.S0005, source.span(0, 0), "this file nests expressions too deeply to compile")
                    .withHelp("split long expressions over several statements, or several Lambda layers"));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "seq-frontend", 512L << 20);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure.get() != null) throw new IllegalStateException("internal compiler error", failure.get());
        return new Result(source, models.get(), diags);
    }
}

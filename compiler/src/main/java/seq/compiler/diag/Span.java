package seq.compiler.diag;

/** A half-open range of characters [start, end) in a source file. Every AST and IR node carries one. */
public record Span(SourceFile file, int start, int end) {
    public int line() { return file.line(start); }
    public int column() { return file.column(start); }
    public String text() { return file.text().substring(start, Math.min(end, file.text().length())); }

    public Span to(Span other) {
        return new Span(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    @Override public String toString() { return file.path() + ":" + line() + ":" + column(); }
}

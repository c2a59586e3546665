package seq.compiler.diag;

/** A secondary span with a short note, drawn under its own source line. */
public record Label(Span span, String message) {}

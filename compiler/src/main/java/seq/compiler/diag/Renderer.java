package seq.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The single renderer of diagnostics: rustc-style text for people, a JSON array for tools. */
public final class Renderer {
    private Renderer() {}

    public static String text(Diagnostic d) {
        StringBuilder out = new StringBuilder();
        out.append(d.severity().word()).append('[').append(d.code()).append("]: ").append(d.message()).append('\n');
        SourceFile file = d.span().file();
        List<Label> marks = new ArrayList<>();
        marks.add(new Label(d.span(), null));
        marks.addAll(d.labels());
        marks.sort(Comparator.comparingInt(l -> l.span().start()));
        int width = String.valueOf(marks.stream().mapToInt(l -> l.span().line()).max().orElse(1)).length();
        String pad = " ".repeat(width);
        out.append(pad).append("--> ").append(file.path()).append(':').append(d.line()).append(':').append(d.column()).append('\n');
        out.append(pad).append(" |\n");
        int lastLine = -1;
        for (Label mark : marks) {
            int line = mark.span().line();
            if (lastLine != -1 && line > lastLine + 1) out.append(pad).append(" ...\n");
            if (line != lastLine) {
                out.append(String.format("%" + width + "d", line)).append(" | ").append(file.lineText(line)).append('\n');
            }
            lastLine = line;
            boolean primary = mark.message() == null;
            out.append(pad).append(" | ").append(underline(mark.span(), primary ? '^' : '-'));
            if (!primary && !mark.message().isEmpty()) out.append(' ').append(mark.message());
            out.append('\n');
        }
        if (d.help() != null) {
            out.append(pad).append(" |\n");
            String[] lines = d.help().split("\n", -1);
            out.append(pad).append(" = help: ").append(lines[0]).append('\n');
            for (int i = 1; i < lines.length; i++) out.append(pad).append("         ").append(lines[i]).append('\n');
        }
        return out.toString();
    }

    /** Spaces up to the span's column, then one mark per character of the span on its first line. */
    private static String underline(Span span, char mark) {
        SourceFile file = span.file();
        int line = span.line();
        String text = file.lineText(line);
        int col = span.column() - 1;
        int length = Math.max(1, Math.min(span.end() - span.start(), text.length() - col));
        if (span.line() != file.line(Math.max(span.start(), span.end() - 1))) length = Math.max(1, text.length() - col);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < col && i < text.length(); i++) s.append(text.charAt(i) == '\t' ? '\t' : ' ');
        if (col > text.length()) s.append(" ".repeat(col - text.length()));
        s.append(String.valueOf(mark).repeat(length));
        return s.toString();
    }

    public static String summaryLine(List<Diagnostic> all) {
        long errors = all.stream().filter(d -> d.severity() == Severity.ERROR).count();
        long warnings = all.size() - errors;
        List<String> parts = new ArrayList<>();
        if (errors > 0) parts.add(errors + (errors == 1 ? " error" : " errors"));
        if (warnings > 0) parts.add(warnings + (warnings == 1 ? " warning" : " warnings"));
        return String.join(", ", parts);
    }

    public static String json(List<Diagnostic> all) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < all.size(); i++) {
            Diagnostic d = all.get(i);
            if (i > 0) out.append(",");
            out.append("\n  {")
                .append("\"severity\": ").append(Json.quote(d.severity().word()))
                .append(", \"code\": ").append(Json.quote(d.code().name()))
                .append(", \"file\": ").append(Json.quote(d.span().file().path()))
                .append(", \"line\": ").append(d.line())
                .append(", \"column\": ").append(d.column())
                .append(", \"message\": ").append(Json.quote(d.message()))
                .append(", \"help\": ").append(d.help() == null ? "null" : Json.quote(d.help()))
                .append("}");
        }
        return out.append(all.isEmpty() ? "]" : "\n]").toString();
    }
}

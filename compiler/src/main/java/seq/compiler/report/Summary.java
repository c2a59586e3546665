package seq.compiler.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.Node;
import seq.compiler.diag.Json;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/** `seqc summary`: Keras 3's model.summary() table, with sizes shown by name where Keras shows None. */
public final class Summary {
    private Summary() {}

    public static String text(CheckedModel model) {
        boolean functional = model.functional();
        List<String[]> rows = new ArrayList<>();
        if (functional) {
            for (Node in : model.inputs()) rows.add(new String[] {in.label() + " (InputLayer)", in.type().keras(), "0", "-"});
        }
        for (Node n : model.layers()) {
            String connected = n.inputs().stream().map(i -> nodeName(i) + "[0][0]").collect(Collectors.joining(", "));
            rows.add(new String[] {n.layer().describe(), n.type().keras(), String.format("%,d", n.out().params(true) + n.out().params(false)), connected});
        }
        String[] header = functional ? new String[] {"Layer (type)", "Output Shape", "Param #", "Connected to"}
            : new String[] {"Layer (type)", "Output Shape", "Param #"};
        int[] width = functional ? new int[] {29, 24, 13, 20} : new int[] {31, 22, 13};
        for (String[] r : rows) for (int c = 0; c < header.length; c++) width[c] = Math.max(width[c], r[c].length());
        StringBuilder out = new StringBuilder("Model: \"" + model.name() + "\"\n");
        out.append(rule('┏', '━', '┳', '┓', width));
        out.append(row('┃', header, width));
        out.append(rule('┡', '━', '╇', '┩', width));
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) out.append(rule('├', '─', '┼', '┤', width));
            out.append(row('│', rows.get(i), width));
        }
        out.append(rule('└', '─', '┴', '┘', width));
        long trainable = model.params(true), frozen = model.params(false);
        out.append(" Total params: ").append(count(trainable + frozen)).append('\n');
        out.append(" Trainable params: ").append(count(trainable)).append('\n');
        out.append(" Non-trainable params: ").append(count(frozen)).append('\n');
        return out.toString();
    }

    private static String nodeName(Node n) {
        return n.isInput() ? n.label() : n.layer().name();
    }

    private static String rule(char left, char line, char cross, char right, int[] width) {
        StringBuilder s = new StringBuilder().append(left);
        for (int c = 0; c < width.length; c++) {
            s.append(String.valueOf(line).repeat(width[c] + 2)).append(c == width.length - 1 ? right : cross);
        }
        return s.append('\n').toString();
    }

    /** Param # is right-aligned as in Keras; the other columns left-aligned. */
    private static String row(char bar, String[] cells, int[] width) {
        StringBuilder s = new StringBuilder().append(bar);
        for (int c = 0; c < width.length; c++) {
            String cell = cells[c];
            String pad = " ".repeat(width[c] - cell.length());
            s.append(' ').append(c == 2 ? pad + cell : cell + pad).append(' ').append(bar);
        }
        return s.append('\n').toString();
    }

    /** "2,398 (9.37 KB)": float32 weights, sized as Keras's readable_memory_size does. */
    static String count(long params) {
        double size = params * 4.0;
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (u < units.length - 1 && size / 1024 >= 1) {
            size /= 1024;
            u++;
        }
        return String.format("%,d (%.2f %s)", params, size, units[u]);
    }

    public static String json(CheckedModel model) {
        StringBuilder out = new StringBuilder("{\"model\": ").append(Json.quote(model.name())).append(", \"layers\": [");
        List<Node> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Node n = layers.get(i);
            out.append(i == 0 ? "\n  " : ",\n  ")
                .append("{\"name\": ").append(Json.quote(n.layer().name()))
                .append(", \"type\": ").append(Json.quote(n.layer().kind().name()))
                .append(", \"output_shape\": ").append(shape(n.type()))
                .append(", \"params\": ").append(n.out().params(true) + n.out().params(false))
                .append(", \"inputs\": [").append(n.inputs().stream().map(x -> Json.quote(nodeName(x))).collect(Collectors.joining(", ")))
                .append("]}");
        }
        out.append(layers.isEmpty() ? "]" : "\n]");
        out.append(", \"inputs\": [").append(model.inputs().stream()
            .map(n -> "{\"name\": " + Json.quote(n.label()) + ", \"shape\": " + shape(n.type()) + "}").collect(Collectors.joining(", ")));
        out.append("], \"total_params\": ").append(model.params(true) + model.params(false))
            .append(", \"trainable_params\": ").append(model.params(true))
            .append(", \"non_trainable_params\": ").append(model.params(false)).append("}");
        return out.toString();
    }

    /** Each dimension a number when fixed, else its name as a string ("batch", "T - 4"); null when unknown. */
    static String shape(TensorType t) {
        return t.dims().stream().map(Summary::dim).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String dim(Size s) {
        if (s.isConstant()) return String.valueOf(s.constant());
        return s.hasUnknown() ? "null" : Json.quote(s.toString());
    }
}

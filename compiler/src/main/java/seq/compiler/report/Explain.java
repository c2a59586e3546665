package seq.compiler.report;

import java.util.List;
import java.util.stream.Collectors;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.Node;
import seq.compiler.layers.Weight;

/** `seqc explain`: each layer's output shape and parameter count, derived step by step in words and arithmetic. */
public final class Explain {
    private Explain() {}

    public static String text(CheckedModel model) {
        StringBuilder out = new StringBuilder("model " + model.name() + "\n");
        for (Node in : model.inputs()) {
            out.append("input ").append(in.label()).append(": ").append(in.type().keras())
                .append(" (declared at line ").append(in.span().line()).append(")\n");
        }
        for (Node n : model.layers()) {
            out.append('\n').append(n.layer().describe()).append(" at line ").append(n.span().line()).append(": ")
                .append(n.span().text().replaceAll("\\s+", " ")).append('\n');
            String from = n.inputs().stream().map(i -> i.type().keras() + " from " + (i.isInput() ? i.label() : i.layer().name()))
                .collect(Collectors.joining(" and "));
            out.append("  input:  ").append(from).append('\n');
            for (String line : n.out().explain()) out.append("  ").append(line).append('\n');
            out.append("  output: ").append(n.type().keras()).append('\n');
            out.append("  params: ").append(params(n.out().weights())).append('\n');
        }
        out.append("\ntotal params: ").append(String.format("%,d", model.params(true) + model.params(false)))
            .append(" (trainable ").append(String.format("%,d", model.params(true)))
            .append(", non-trainable ").append(String.format("%,d", model.params(false))).append(")\n");
        return out.toString();
    }

    private static String params(List<Weight> weights) {
        if (weights.isEmpty()) return "0 (no weights)";
        long total = weights.stream().mapToLong(Weight::count).sum();
        if (weights.size() == 1) return String.format("%,d", total);
        return weights.stream().map(w -> String.format("%,d", w.count())).collect(Collectors.joining(" + "))
            + String.format(" = %,d", total);
    }
}

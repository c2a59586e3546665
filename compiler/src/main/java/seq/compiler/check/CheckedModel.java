package seq.compiler.check;

import java.util.List;
import seq.compiler.ast.ModelDecl;

/** A model whose every shape is known: inputs, layer nodes in evaluation order, the output, and its training setup. */
public record CheckedModel(ModelDecl decl, List<Node> inputs, List<Node> layers, Node output, TrainConfig train) {
    public CheckedModel {
        inputs = List.copyOf(inputs);
        layers = List.copyOf(layers);
    }

    public String name() { return decl.name(); }

    public long params(boolean trainable) {
        return layers.stream().mapToLong(n -> n.out().params(trainable)).sum();
    }

    /** Whether the model is written in the functional form (named values, several inputs or merges). */
    public boolean functional() {
        return inputs.size() > 1 || layers.stream().anyMatch(n -> n.inputs().size() != 1)
            || decl.body().stream().anyMatch(s -> s instanceof seq.compiler.ast.Stmt.Let);
    }
}

package seq.compiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import seq.compiler.ad.Reverse;
import seq.compiler.check.CheckedModel;
import seq.compiler.check.TrainConfig;
import seq.compiler.codegen.ModelClass;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Graph;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;
import seq.compiler.layers.Layer;

/** The back end as one step: checked model → IR → differentiated IR → generated class. */
public final class Backend {
    private Backend() {}

    /** {@code slots} are each weight's optimizer state buffers (velocity or first moment, then second moment). */
    public record Result(Graph graph, Reverse.Backward backward, ModelClass.Plan plan, ModelClass.Generated generated,
                         Map<Value, Layer> owners, Map<Value, List<Value>> slots) {
        /**
         * `--dump-ir`: the forward ops, then the backward ops, then the values that live in another's buffer (a
         * Reshape's output; a recurrence's gates and input gradient, in its input product's), by buffer.
         */
        public String dump() {
            StringBuilder out = new StringBuilder("forward " + graph.model() + "\n");
            for (Op op : graph.ops()) out.append("  ").append(op.show()).append('\n');
            out.append("backward\n");
            for (Op op : backward.ops()) out.append("  ").append(op.show()).append('\n');
            Map<Value, List<String>> shared = new LinkedHashMap<>();
            Stream.concat(graph.values().stream(), backward.grads().values().stream().sorted(Comparator.comparingInt(Value::id)))
                .filter(v -> v.aliasOf() != null).distinct()
                .forEach(v -> shared.computeIfAbsent(v.storage(), s -> new ArrayList<>()).add("%" + v.name()));
            if (!shared.isEmpty()) out.append("shared buffers\n");
            shared.forEach((s, names) -> out.append("  ").append(String.join(", ", names)).append(" in %").append(s.name()).append('\n'));
            return out.toString();
        }
    }

    /** Compiles {@code model}; throws {@link Lowering.NotLowered} for layers the generator does not handle yet. */
    public static Result compile(CheckedModel model, String internalName, Emitter.Precision precision, String loss) {
        Lowering.Result lowered = Lowering.of(model, loss);
        Reverse.Backward backward = Reverse.of(lowered.graph(), lowered.values());
        Map<Value, List<Value>> slots = new LinkedHashMap<>();
        for (Value w : lowered.graph().weights()) {
            slots.put(w, List.of(lowered.values().value(w.name() + "/m", w.shape(), Value.Role.SLOT),
                lowered.values().value(w.name() + "/v", w.shape(), Value.Role.SLOT)));
        }
        ModelClass.Plan plan = ModelClass.plan(lowered.graph(), backward, List.copyOf(lowered.values().values()));
        TrainConfig train = model.train();
        String optimizer = train == null ? "Adam" : train.optimizer();
        boolean nesterov = train != null && train.optimizerArgs().get("nesterov") instanceof seq.compiler.layers.Value.Bool b && b.value();
        return new Result(lowered.graph(), backward, plan,
            ModelClass.generate(internalName, lowered.graph(), backward, plan, precision, slots, optimizer, nesterov), lowered.owners(), slots);
    }
}

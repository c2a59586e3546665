package seq.compiler.codegen;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import seq.compiler.ad.Reverse;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.codegen.loops.Rename;
import seq.compiler.ir.Graph;
import seq.compiler.ir.KernelOp;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;

/**
 * A model's OpenCL kernels: every data-parallel op ({@link KernelOp#parallel}) of its forward and
 * backward passes as one branch of a single Aparapi kernel class, chosen per launch by a field, so
 * that all of them share the device's copies of the buffers (Aparapi keeps device buffers per kernel
 * instance). Then what must move: walking the passes in order, a buffer goes to the device before a
 * launch only when the host has written it since the device last had it, and everything a launch
 * writes comes back after it (see {@link #of} for why).
 */
public final class DeviceClass {
    private DeviceClass() {}

    /**
     * Forward (or backward) op {@code op} runs as branch {@code id} of the device class; buffers {@code put}
     * go to the device before it, buffers {@code get} come back after it.
     */
    public record Launch(boolean backward, int op, int id, List<Integer> put, List<Integer> get) {
        public Launch {
            put = List.copyOf(put);
            get = List.copyOf(get);
        }
    }

    public record Result(String className, byte[] bytes, List<Launch> launches) {
        public Result {
            launches = List.copyOf(launches);
        }
    }

    /** Field names of the kernel class: the branch, the bound sizes, and buffer i. */
    static final String OP = "kop", DIMS = "kdims";

    static String buffer(int i) { return "kbuf" + i; }

    /** The device class of a float32 model, or null when it has no data-parallel op. */
    static Result of(String internalName, Graph graph, Reverse.Backward backward, ModelClass.Plan plan, Emitter emitter) {
        if (emitter.precision() != Emitter.Precision.F32) return null;
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < graph.ops().size(); k++) steps.add(new Step(false, k, graph.ops().get(k), plan));
        // The host starts the backward pass by zeroing every gradient and seeding the loss's.
        List<Integer> gradients = new ArrayList<>();
        for (Value v : plan.buffers()) if (v.role() == Value.Role.GRADIENT) gradients.add(plan.index(v));
        steps.add(Step.host(gradients));
        for (int k = 0; k < backward.ops().size(); k++) steps.add(new Step(true, k, backward.ops().get(k), plan));

        List<Launch> launches = new ArrayList<>();
        List<Stmt> run = new ArrayList<>();
        TreeSet<Integer> fields = new TreeSet<>();
        // Buffers whose device copy may be older than the host's: all of them when a pass starts, and
        // each one a JVM op writes. Whatever a launch writes comes straight back, so the host always
        // has the latest of everything: Aparapi rebuilds a buffer from the host copy whenever the
        // collector has moved its Java array, and a result kept only on the device would be lost.
        java.util.Set<Integer> current = new java.util.HashSet<>();
        for (Step s : steps) {
            if (s.op != null && s.op.asKernel() != null && s.op.asKernel().device()) {
                KernelOp k = s.op.asKernel();
                int id = launches.size();
                List<Integer> put = new ArrayList<>();
                for (int b : s.reads) if (current.add(b)) put.add(b);
                current.addAll(s.writes);
                launches.add(new Launch(s.backward, s.index, id, put, s.writes));
                fields.addAll(s.reads);
                fields.addAll(s.writes);
                List<Stmt> branch = new ArrayList<>(ModelClass.intLets(k, plan, DIMS));
                branch.addAll(workItem(k, s.names));
                run.add(when(cmp("==", v(OP), i(id)), branch.toArray(Stmt[]::new)));
            } else {
                current.removeAll(s.writes);
            }
        }
        if (launches.isEmpty()) return null;
        String name = internalName + "_Device";
        Map<String, Integer> buffers = new java.util.LinkedHashMap<>();
        for (int b : fields) buffers.put(buffer(b), b);
        byte[] bytes = emitter.emitDeviceClass(name, buffers, OP, DIMS, run);
        return new Result(name.replace('/', '.'), bytes, launches);
    }

    /**
     * An op as the transfer analysis sees it: the buffers it reads (its inputs, and the outputs its kernel
     * loads from, such as those it adds into) and those it writes.
     */
    private record Step(boolean backward, int index, Op op, List<Integer> reads, List<Integer> writes, Map<String, String> names) {
        Step(boolean backward, int index, Op op, ModelClass.Plan plan) {
            this(backward, index, op, reads(op, plan), writes(op, plan), renames(op, plan));
        }

        /**
         * An op's outputs; of a device kernel's, those its body stores to (an LSTM's scratch row r is
         * the JVM form's alone, and is not fetched after each launch).
         */
        private static List<Integer> writes(Op op, ModelClass.Plan plan) {
            KernelOp k = op.asKernel();
            if (k == null || !k.device()) return indices(op.outputs(), plan);
            return outputsNamed(k, Rename.stored(k.body()), plan);
        }

        private static List<Integer> reads(Op op, ModelClass.Plan plan) {
            KernelOp k = op.asKernel();
            if (k == null) return indices(op.arrays(), plan);
            List<Integer> out = new ArrayList<>(indices(op.inputs(), plan));
            out.addAll(outputsNamed(k, Rename.loaded(k.body()), plan));
            return out;
        }

        /** The buffers of the kernel's outputs whose array names are in {@code names}. */
        private static List<Integer> outputsNamed(KernelOp k, java.util.Set<String> names, ModelClass.Plan plan) {
            List<Integer> out = new ArrayList<>();
            for (int o = 0; o < k.outputs().size(); o++) {
                if (names.contains(k.arrayNames().get(k.inputs().size() + o))) out.add(plan.index(k.outputs().get(o)));
            }
            return out;
        }

        /** The host writing {@code writes} between two ops. */
        static Step host(List<Integer> writes) {
            return new Step(false, -1, null, List.of(), writes, Map.of());
        }

        private static List<Integer> indices(List<Value> values, ModelClass.Plan plan) {
            return values.stream().map(plan::index).toList();
        }

        /** The op's array parameter names, each to the field of its buffer. */
        private static Map<String, String> renames(Op op, ModelClass.Plan plan) {
            KernelOp k = op.asKernel();
            if (k == null) return Map.of();
            Map<String, String> m = new HashMap<>();
            for (int a = 0; a < k.arrayNames().size(); a++) m.put(k.arrayNames().get(a), buffer(plan.index(op.arrays().get(a))));
            return m;
        }
    }

    /**
     * One work item of the op (whose form {@link KernelOp} has checked): its integer lets, then each loop
     * over the parallel variable as that variable's iteration number {@code getGlobalId()}, guarded by the
     * loop's bound; arrays renamed to fields.
     */
    private static List<Stmt> workItem(KernelOp k, Map<String, String> names) {
        String pv = k.parallel();
        List<Stmt> out = new ArrayList<>(List.of(let(pv, Type.INT, fn("globalId"))));
        for (Stmt st : k.body()) {
            out.add(st instanceof Loop.For f && f.var().equals(pv)
                ? when(cmp("<", v(pv), f.hi()), Rename.arrays(f.body(), names).toArray(Stmt[]::new)) : st);
        }
        return out;
    }
}

package seq.runtime.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trainer knows about its model, read from `seq/model.txt` in the jar (written by `seqc build`):
 * the buffer plan, which buffers are inputs, weights and gradients, the training settings, and the
 * OpenCL kernel class with the ops it runs and the buffers each of its launches moves. One line per
 * fact, `key value...`, so the format needs no parser library.
 */
public record ModelInfo(String name, String sourceLine, List<String> symbols, String class32, String class64,
                        List<Buffer> buffers, List<Weight> weights, List<Integer> inputs, Map<Integer, Double> dropout,
                        int output, int target, int loss,
                        Map<String, String> train, String deviceClass, List<Launch> launches) {
    public static final String RESOURCE = "seq/model.txt";

    public enum Role { INPUT, TARGET, WEIGHT, ACTIVATION, LOSS, GRADIENT, SAVED, NOISE, SLOT }

    /**
     * A buffer: its dims as written, each an integer, a symbol bound from the data, or "~" for a size
     * computed from the others; {@code integer} marks inputs that hold ids (i32 in the model), each
     * below {@code idLimit} (the smallest Embedding input_dim; 0 when not known).
     */
    public record Buffer(Role role, String name, List<String> dims, boolean integer, long idLimit) {
        public int rank() { return dims.size(); }
    }

    /**
     * Forward (or backward) op {@code op} runs on the device as branch {@code id} of the device class;
     * buffers {@code put} go to the device before it, buffers {@code get} come back after it.
     */
    public record Launch(boolean backward, int op, int id, List<Integer> put, List<Integer> get) {}

    /** A weight in Keras's naming, the buffers of its gradient and optimizer state, and how Keras initialises it. */
    public record Weight(int buffer, int gradient, int first, int second, String name, String layerKind, boolean unitForgetBias) {}

    public static ModelInfo read(InputStream in) throws IOException {
        String name = null, line0 = "", c32 = null, c64 = null;
        List<String> symbols = List.of();
        List<Buffer> buffers = new ArrayList<>();
        List<Weight> weights = new ArrayList<>();
        List<Integer> inputs = new ArrayList<>();
        Map<Integer, Double> noise = new LinkedHashMap<>();
        int output = -1, target = -1, loss = -1;
        Map<String, String> train = new LinkedHashMap<>();
        String deviceClass = null;
        List<Launch> launches = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            switch (f[0]) {
                case "name" -> name = f[1];
                case "line" -> line0 = line.substring(5);
                case "symbols" -> symbols = List.of(f).subList(1, f.length);
                case "class32" -> c32 = f[1];
                case "class64" -> c64 = f[1];
                case "buffer" -> {
                    int rank = Integer.parseInt(f[3]);
                    boolean ids = f.length > 4 + rank && f[4 + rank].equals("ids");
                    buffers.add(new Buffer(Role.valueOf(f[1]), f[2], List.of(f).subList(4, 4 + rank), ids,
                        ids && f.length > 5 + rank ? Long.parseLong(f[5 + rank]) : 0));
                }
                case "weight" -> weights.add(new Weight(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), f[5], f[6], Boolean.parseBoolean(f[7])));
                case "input" -> inputs.add(Integer.parseInt(f[1]));
                case "noise" -> noise.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                case "output" -> output = Integer.parseInt(f[1]);
                case "target" -> target = Integer.parseInt(f[1]);
                case "loss" -> loss = Integer.parseInt(f[1]);
                case "train" -> train.put(f[1], f.length > 2 ? line.substring(line.indexOf(f[1]) + f[1].length() + 1) : "");
                case "device" -> deviceClass = f[1];
                case "launch" -> launches.add(new Launch(f[1].equals("backward"), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    indices(f[5]), indices(f[7])));
                default -> throw new IOException("unknown line in " + RESOURCE + ": " + line);
            }
        }
        return new ModelInfo(name, line0, symbols, c32, c64, buffers, weights, inputs, noise, output, target, loss, train, deviceClass, launches);
    }

    private static List<Integer> indices(String list) {
        return list.equals("-") ? List.of() : java.util.Arrays.stream(list.split(",")).map(Integer::parseInt).toList();
    }

    private static String indices(List<Integer> list) {
        return list.isEmpty() ? "-" : String.join(",", list.stream().map(String::valueOf).toList());
    }

    public String setting(String key, String fallback) {
        return train.getOrDefault(key, fallback);
    }

    /** Writes the description; {@code seqc build} uses this so the format has one definition. */
    public String write() {
        StringBuilder out = new StringBuilder();
        out.append("name ").append(name).append('\n');
        out.append("line ").append(sourceLine).append('\n');
        out.append("symbols").append(symbols.isEmpty() ? "" : " " + String.join(" ", symbols)).append('\n');
        out.append("class32 ").append(class32).append('\n');
        out.append("class64 ").append(class64).append('\n');
        for (Buffer b : buffers) {
            out.append("buffer ").append(b.role()).append(' ').append(b.name()).append(' ').append(b.rank());
            for (String d : b.dims()) out.append(' ').append(d);
            if (b.integer()) out.append(" ids").append(b.idLimit() > 0 ? " " + b.idLimit() : "");
            out.append('\n');
        }
        for (Weight w : weights) {
            out.append("weight ").append(w.buffer()).append(' ').append(w.gradient()).append(' ').append(w.first()).append(' ')
                .append(w.second()).append(' ').append(w.name()).append(' ')
                .append(w.layerKind()).append(' ').append(w.unitForgetBias()).append('\n');
        }
        for (int i : inputs) out.append("input ").append(i).append('\n');
        dropout.forEach((b, rate) -> out.append("noise ").append(b).append(' ').append(rate).append('\n'));
        out.append("output ").append(output).append('\n').append("target ").append(target).append('\n')
            .append("loss ").append(loss).append('\n');
        train.forEach((k, v) -> out.append("train ").append(k).append(' ').append(v).append('\n'));
        if (deviceClass != null) out.append("device ").append(deviceClass).append('\n');
        for (Launch l : launches) {
            out.append("launch ").append(l.backward() ? "backward " : "forward ").append(l.op()).append(' ').append(l.id())
                .append(" put ").append(indices(l.put())).append(" get ").append(indices(l.get())).append('\n');
        }
        return out.toString();
    }
}

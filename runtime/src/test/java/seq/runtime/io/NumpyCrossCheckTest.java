package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import seq.runtime.io.NdArray.DType;

/** Checks that NumPy itself loads what Java writes. Skipped where python3 with numpy is missing. */
class NumpyCrossCheckTest {
    @TempDir
    Path dir;

    private static final String SCRIPT = String.join("\n",
            "import sys, numpy as np",
            "def show(name, a):",
            "    print(name, a.dtype.str, 'x'.join(map(str, a.shape)) or '-', *a.ravel().tolist())",
            "for path in sys.argv[1:]:",
            "    if path.endswith('.npz'):",
            "        with np.load(path) as z:",
            "            for k in z.files: show(k, z[k])",
            "    else:",
            "        show(path.rsplit('/', 1)[-1][:-4], np.load(path))");

    @Test
    void numpyLoadsJavaWrittenNpyAndNpz() throws Exception {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            for (long[] shape : List.of(new long[] {}, new long[] {3}, new long[] {2, 0}, new long[] {2, 3, 2})) {
                arrays.put(t + "_" + shape.length + "_" + NdArray.elementCount(shape), Samples.sample(t, shape));
            }
        }
        arrays.putAll(Map.of("F32_extreme", Samples.extremes().get(0), "I64_extreme", Samples.extremes().get(3)));
        List<String> command = new ArrayList<>(List.of("python3", "-c", SCRIPT));
        for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".npy");
            Npy.write(file, e.getValue());
            command.add(file.toString());
        }
        Path npz = dir.resolve("all.npz");
        Npz.write(npz, arrays);
        command.add(npz.toString());

        List<String> lines = run(command);
        assertEquals(2 * arrays.size(), lines.size(), () -> String.join("\n", lines));
        List<NdArray> expected = new ArrayList<>(arrays.values());
        expected.addAll(arrays.values());
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            NdArray a = expected.get(i);
            assertEquals((a.dtype().isInteger() ? "<i" : "<f") + a.dtype().itemSize(), f[1], lines.get(i));
            long[] shape = f[2].equals("-") ? new long[0] : Arrays.stream(f[2].split("x")).mapToLong(Long::parseLong).toArray();
            assertArrayEquals(a.shape(), shape, lines.get(i));
            String[] values = Arrays.copyOfRange(f, 3, f.length);
            if (a.dtype().isInteger()) {
                assertArrayEquals(a.longs(), Arrays.stream(values).mapToLong(Long::parseLong).toArray(), lines.get(i));
            } else {
                assertArrayEquals(a.doubles(), Arrays.stream(values).mapToDouble(NumpyCrossCheckTest::pythonFloat).toArray(), lines.get(i));
            }
        }
    }

    private static double pythonFloat(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Runs the command and returns its output lines; skips the test if python3 or numpy is missing. */
    private static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 with numpy is not available");
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available");
        }
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }
}

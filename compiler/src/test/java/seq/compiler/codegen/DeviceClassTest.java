package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Sources;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.ir.Op;
import seq.compiler.ir.Value;

/** What the OpenCL launches move between the host and the device. */
class DeviceClassTest {
    /**
     * A launch fetches the buffers its kernel stores to: after an LSTM's forward launch, every output but
     * the scratch row r of its JVM form, which the device never writes.
     */
    @Test
    void aLaunchFetchesWhatItsKernelStores() throws Exception {
        Backend.Result r = Backend.compile(Sources.compile("model L(x: [batch, T, 3]) -> [batch, 4] {\n  LSTM(4)\n}\n").models().get(0),
            "seq/gen/Fetch", Emitter.Precision.F32, null);
        List<Op> ops = r.graph().ops();
        int k = 0;
        while (ops.get(k).asKernel() == null || !ops.get(k).asKernel().label().equals("lstm")) k++;
        Op lstm = ops.get(k);
        int op = k;
        DeviceClass.Launch launch = r.generated().device().launches().stream()
            .filter(l -> !l.backward() && l.op() == op).findFirst().orElseThrow();
        assertTrue(lstm.outputs().stream().anyMatch(v -> v.name().equals("lstm/r")), "the LSTM has a scratch row: " + lstm.outputs());
        Set<Integer> stored = lstm.outputs().stream().filter(v -> !v.name().equals("lstm/r"))
            .map(v -> r.plan().index(v)).collect(Collectors.toSet());
        assertEquals(stored, Set.copyOf(launch.get()), "fetched after the launch, of " + lstm.outputs().stream().map(Value::name).toList());
    }
}

package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Sources;
import seq.compiler.check.CheckedModel;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.pack.TrainerJar;
import seq.runtime.UserError;
import seq.runtime.device.Devices;
import seq.runtime.model.Net32;
import seq.runtime.train.ModelInfo;

/** Choosing a device for a model none of whose ops has an OpenCL kernel, and for a mode that does not exist. */
class DevicesTest {
    @Test
    void aModelWithoutKernelsRunsOnTheJvmWithoutProbingOpenCl() throws Exception {
        CheckedModel model = Sources.compile("model D(x: [batch, 4]) -> [batch, 2] {\n  Dense(8, activation=\"relu\")\n  Dense(2)\n}\n")
            .models().get(0);
        Backend.Result r = Backend.compile(model, "seq/gen/NoKernels", Emitter.Precision.F32, null);
        assertNull(r.generated().device());
        ModelInfo info = TrainerJar.describe(model, r);
        Net32 net = Harness.net32(r);
        ClassLoader loader = net.getClass().getClassLoader();
        Devices.Choice auto = Devices.choose("auto", net, info, loader);
        assertTrue(auto.executor().describe().startsWith("jvm"));
        assertNull(auto.notice());
        Devices.Choice opencl = Devices.choose("opencl", net, info, loader);
        assertTrue(opencl.executor().describe().startsWith("jvm"));
        assertEquals("no op of this model has an OpenCL kernel, running on the JVM", opencl.notice());
        UserError e = assertThrows(UserError.class, () -> Devices.choose("gpu", net, info, loader));
        assertTrue(e.getMessage().contains("unknown device `gpu`"), e.getMessage());
    }
}

package seq.examples;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import seq.runtime.device.Devices;

/** Tests that need an OpenCL device: skipped without one, except under CI=true, where that is a failure. */
final class OpenCl {
    private OpenCl() {}

    static void require() {
        String problem = Devices.openClProblem();
        if (problem == null) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but OpenCL is unusable: " + problem);
        Assumptions.abort("no OpenCL device: " + problem);
    }
}

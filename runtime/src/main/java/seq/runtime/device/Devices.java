package seq.runtime.device;

import com.aparapi.device.OpenCLDevice;
import seq.runtime.UserError;
import seq.runtime.model.Net32;
import seq.runtime.train.ModelInfo;

/**
 * {@code --device auto|opencl|jvm}: {@code auto} takes an OpenCL GPU, else the JVM; {@code opencl} takes an
 * OpenCL GPU, else an OpenCL CPU device, and fails with a clear message when there is none. An OpenCL CPU
 * device (PoCL) runs on the same cores as the JVM, where the JVM's products (register-tiled on the Vector
 * API) and its threads are faster — 2–20× on the benchmarks in docs/performance.md — so auto leaves it be.
 */
public final class Devices {
    private Devices() {}

    /** The result of choosing: the executor, and a notice to print when auto fell back to the JVM (else null). */
    public record Choice(Executor executor, String notice) {}

    public static Choice choose(String mode, Net32 net, ModelInfo info, ClassLoader loader) {
        Executor jvm = jvm(net);
        switch (mode) {
            case "jvm" -> { return new Choice(jvm, null); }
            case "auto", "opencl" -> {
                if (info.deviceClass() == null) {
                    // Nothing in this model runs on a device (no recurrence, convolution or pooling).
                    return new Choice(jvm, mode.equals("auto") ? null : "no op of this model has an OpenCL kernel, running on the JVM");
                }
                StringBuilder why = new StringBuilder();
                OpenCLDevice device = OpenCl.find(why, mode.equals("opencl"));
                if (device == null) {
                    if (mode.equals("opencl")) {
                        throw new UserError("--device opencl: " + why + ". Install an OpenCL driver (on Debian: "
                            + "apt-get install ocl-icd-libopencl1 pocl-opencl-icd, or your GPU's), or use --device jvm");
                    }
                    return new Choice(jvm, null);
                }
                try {
                    return new Choice(OpenCl.create(device, net, info, loader), null);
                } catch (UserError e) {
                    if (mode.equals("opencl")) throw e;
                    return new Choice(jvm, e.getMessage().replaceAll("; use --device jvm$", "") + ", running on the JVM");
                }
            }
            default -> throw unknown(mode);
        }
    }

    /** Fails unless {@code mode} is auto, opencl or jvm. */
    public static void checkMode(String mode) {
        if (!mode.equals("auto") && !mode.equals("opencl") && !mode.equals("jvm")) throw unknown(mode);
    }

    private static UserError unknown(String mode) {
        return new UserError("unknown device `" + mode + "`; use auto, jvm or opencl");
    }

    /** Null when there is an OpenCL device to run on, else why there is none. */
    public static String openClProblem() {
        StringBuilder why = new StringBuilder();
        return OpenCl.find(why, true) != null ? null : why.toString();
    }

    /** Every op on the JVM, the data-parallel ones split across {@code seq.threads} threads (default: one per processor). */
    public static Executor jvm(Net32 net) {
        return new Threads(net, Threads.defaultThreads());
    }

    /** Every op on the JVM, on {@code threads} threads. */
    public static Executor jvm(Net32 net, int threads) {
        return new Threads(net, threads);
    }
}

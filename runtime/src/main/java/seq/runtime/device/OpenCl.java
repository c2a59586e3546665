package seq.runtime.device;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import seq.runtime.UserError;
import seq.runtime.model.Net32;

/**
 * Runs the data-parallel ops of a model (recurrences, Conv1D, pooling) as OpenCL kernels on one
 * device through Aparapi, and every other op on the JVM. Each device kernel is translated and built
 * when this is created, before the first batch. Around a launch its arrays are put to the device and
 * the ones it writes are read back (Aparapi's explicit mode), so the JVM ops in between see them.
 *
 * <p>Aparapi's habit of silently running a kernel in its Java thread pool when the device fails is
 * turned into an error: a handler on its logger throws at the "Device failed" message, and every
 * launch checks that it ran on the chosen device.
 */
public final class OpenCl implements Executor {
    private final OpenCLDevice device;
    private final Net32 net;
    private final Kernel[] forward, backward;
    private long launches;

    private OpenCl(OpenCLDevice device, Net32 net, Kernel[] forward, Kernel[] backward) {
        this.device = device;
        this.net = net;
        this.forward = forward;
        this.backward = backward;
    }

    /** The first OpenCL GPU, else the first OpenCL CPU device; null, with the reason in {@code why}, when there is none. */
    static OpenCLDevice find(StringBuilder why) {
        try {
            quietLogger();
            List<OpenCLDevice> gpus = OpenCLDevice.listDevices(Device.TYPE.GPU);
            if (!gpus.isEmpty()) return gpus.get(0);
            List<OpenCLDevice> cpus = OpenCLDevice.listDevices(Device.TYPE.CPU);
            if (!cpus.isEmpty()) return cpus.get(0);
            why.append("no OpenCL platform reports a GPU or CPU device");
        } catch (Throwable t) {
            why.append("OpenCL cannot be loaded (").append(t.getClass().getSimpleName())
                .append(t.getMessage() == null ? "" : ": " + t.getMessage()).append(')');
        }
        return null;
    }

    /** Loads, translates and builds every device kernel of {@code kernelClasses} (null entries run on the JVM). */
    static OpenCl create(OpenCLDevice device, Net32 net, List<String> forwardClasses, List<String> backwardClasses, ClassLoader loader) {
        return new OpenCl(device, net, build(device, forwardClasses, loader), build(device, backwardClasses, loader));
    }

    private static Kernel[] build(OpenCLDevice device, List<String> classes, ClassLoader loader) {
        Kernel[] out = new Kernel[classes.size()];
        for (int k = 0; k < out.length; k++) {
            String name = classes.get(k);
            if (name == null) continue;
            try {
                Kernel kernel = (Kernel) Class.forName(name, true, loader).getConstructor().newInstance();
                kernel.setExplicit(true);
                KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
                kernel.compile(device);
                out[k] = kernel;
            } catch (CompileFailedException e) {
                throw new UserError("OpenCL could not build kernel " + name + " for " + device.getName() + ": " + e.getMessage()
                    + "; use --device jvm");
            } catch (ReflectiveOperationException e) {
                throw new UserError("the OpenCL kernel " + name + " in this jar cannot be loaded: " + e + "; use --device jvm");
            }
        }
        return out;
    }

    @Override public String describe() {
        return "opencl — " + device.getOpenCLPlatform().getName() + ", " + device.getName();
    }

    @Override public void forward(float[][] buffers, int[] dims) {
        for (int k = 0; k < forward.length; k++) {
            if (forward[k] != null) launch(forward[k], buffers, dims);
            else net.forwardOp(buffers, dims, k);
        }
    }

    @Override public void backward(float[][] buffers, int[] dims) {
        net.backwardOp(buffers, dims, -1);
        for (int k = 0; k < backward.length; k++) {
            if (backward[k] != null) launch(backward[k], buffers, dims);
            else net.backwardOp(buffers, dims, k);
        }
    }

    @Override public long launches() { return launches; }

    /** Device kernels per forward pass and per backward pass. */
    public int[] kernelsPerPass() {
        int f = 0, b = 0;
        for (Kernel k : forward) if (k != null) f++;
        for (Kernel k : backward) if (k != null) b++;
        return new int[] {f, b};
    }

    private void launch(Kernel kernel, float[][] buffers, int[] dims) {
        DeviceKernel d = (DeviceKernel) kernel;
        d.bind(buffers, dims);
        int items = d.items();
        if (items == 0) return;
        for (float[] a : d.arrays()) kernel.put(a);
        try {
            kernel.execute(device.createRange(items));
        } catch (DeviceFailed e) {
            throw new UserError("OpenCL kernel " + kernel.getClass().getName() + " failed on " + device.getName() + ": " + e.getMessage()
                + "; use --device jvm");
        }
        if (kernel.getTargetDevice() != device || !KernelManager.instance().getPreferences(kernel).getFailedDevices().isEmpty()) {
            throw new UserError("OpenCL kernel " + kernel.getClass().getName() + " did not run on " + device.getName()
                + " (Aparapi fell back to " + kernel.getTargetDevice() + "); use --device jvm");
        }
        for (float[] a : d.written()) kernel.get(a);
        launches++;
    }

    /** Thrown from Aparapi's logger where it would fall back to running a kernel in Java. */
    private static final class DeviceFailed extends RuntimeException {
        DeviceFailed(String message) { super(message); }
    }

    private static boolean quiet;

    /**
     * Aparapi logs through java.util.logging: its warnings (an "untested OpenCL platform version" on
     * every start) are dropped, and its "Device failed" message, which precedes a silent fallback to Java,
     * becomes an exception.
     */
    private static synchronized void quietLogger() {
        if (quiet) return;
        Logger log = Logger.getLogger(com.aparapi.Config.getLoggerName());
        log.setUseParentHandlers(false);
        log.setLevel(Level.WARNING);
        log.addHandler(new Handler() {
            @Override public void publish(LogRecord r) {
                String m = r.getMessage();
                if (m != null && m.startsWith("Device failed for")) throw new DeviceFailed(m);
            }

            @Override public void flush() {}

            @Override public void close() {}
        });
        quiet = true;
    }
}

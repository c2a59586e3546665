package seq.runtime.device;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import seq.runtime.UserError;
import seq.runtime.model.Net32;
import seq.runtime.train.ModelInfo;

/**
 * Runs the data-parallel ops of a model (recurrences, Conv1D, pooling) as OpenCL kernels on one
 * device through Aparapi, and every other op on the JVM. All device ops are branches of one generated
 * kernel class, translated and built when this is created, before the first batch; one instance of it
 * holds the device's copies of the buffers, so a buffer moves only where the compiler's transfer plan
 * ({@link ModelInfo.Launch}) says: to the device when the host has written it since the device last
 * had it, and back after every launch that writes it (Aparapi's explicit mode).
 *
 * <p>Aparapi's habit of silently running a kernel in its Java thread pool when the device fails is
 * turned into an error: a handler on its logger throws at the "Device failed" message, and every
 * launch checks that it ran on the chosen device.
 */
public final class OpenCl implements Executor {
    private final OpenCLDevice device;
    private final Net32 net;
    private final Kernel kernel;
    private final DeviceKernel branches;
    /** The launch of each forward and backward op, or null where the op runs on the JVM. */
    private final ModelInfo.Launch[] forward, backward;
    private float[][] bound;
    private int[] boundDims;
    private long launches;

    private OpenCl(OpenCLDevice device, Net32 net, Kernel kernel, ModelInfo.Launch[] forward, ModelInfo.Launch[] backward) {
        this.device = device;
        this.net = net;
        this.kernel = kernel;
        this.branches = (DeviceKernel) kernel;
        this.forward = forward;
        this.backward = backward;
    }

    /**
     * The first OpenCL GPU, else (with {@code cpu}) the first OpenCL CPU device; null, with the reason in
     * {@code why}, when there is none.
     */
    static OpenCLDevice find(StringBuilder why, boolean cpu) {
        try {
            quietLogger();
            List<OpenCLDevice> gpus = OpenCLDevice.listDevices(Device.TYPE.GPU);
            if (!gpus.isEmpty()) return gpus.get(0);
            if (cpu) {
                List<OpenCLDevice> cpus = OpenCLDevice.listDevices(Device.TYPE.CPU);
                if (!cpus.isEmpty()) return cpus.get(0);
            }
            why.append(cpu ? "no OpenCL platform reports a GPU or CPU device" : "no OpenCL platform reports a GPU");
        } catch (Throwable t) {
            why.append("OpenCL cannot be loaded (").append(t.getClass().getSimpleName())
                .append(t.getMessage() == null ? "" : ": " + t.getMessage()).append(')');
        }
        return null;
    }

    /**
     * Whether a Java Flight Recorder recording that samples threads' stacks is running in this JVM: PoCL's
     * compiler, which runs inside the process, failed every time under it (docs/performance.md, eleventh round).
     */
    static boolean samplingRecording() {
        try {
            if (!jdk.jfr.FlightRecorder.isInitialized()) return false;
            for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
                if (r.getState() == jdk.jfr.RecordingState.RUNNING
                    && ("true".equals(r.getSettings().get("jdk.ExecutionSample#enabled"))
                        || "true".equals(r.getSettings().get("jdk.NativeMethodSample#enabled")))) {
                    return true;
                }
            }
            return false;
        } catch (LinkageError | RuntimeException e) {
            return false; // a JVM without the jdk.jfr module, or with the recorder turned off
        }
    }

    /**
     * Loads, translates and builds the model's device class. Device buffers are always copies, as on a
     * discrete GPU: on a device that shares host memory (a CPU, PoCL) Aparapi would otherwise make each
     * buffer the Java array's memory at the address it had when the buffer was made, and an explicit put or
     * get after the collector moved the array went through the old address, into whatever the heap held
     * there (training on PoCL hit NaN losses and aborts in about half the runs of reference model 1).
     */
    static Executor create(OpenCLDevice device, Net32 net, ModelInfo info, ClassLoader loader) {
        device.setSharedMemory(false);
        Kernel kernel;
        try {
            kernel = (Kernel) Class.forName(info.deviceClass(), true, loader).getConstructor().newInstance();
            kernel.setExplicit(true);
            KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
            kernel.compile(device);
        } catch (CompileFailedException e) {
            throw new UserError("OpenCL could not build " + info.deviceClass() + " for " + device.getName() + ": " + e.getMessage()
                + (samplingRecording()
                    ? "; a Java Flight Recorder recording that samples threads is running, and PoCL's compiler fails under"
                      + " its sampling: start the recording once the device is set up (-XX:StartFlightRecording=delay=10s,...),"
                      + " or use --device jvm"
                    : "; use --device jvm"));
        } catch (ReflectiveOperationException e) {
            throw new UserError("the OpenCL kernels in this jar (" + info.deviceClass() + ") cannot be loaded: " + e + "; use --device jvm");
        }
        int forwardOps = 0, backwardOps = 0;
        for (ModelInfo.Launch l : info.launches()) {
            if (l.backward()) backwardOps = Math.max(backwardOps, l.op() + 1); else forwardOps = Math.max(forwardOps, l.op() + 1);
        }
        ModelInfo.Launch[] forward = new ModelInfo.Launch[forwardOps], backward = new ModelInfo.Launch[backwardOps];
        for (ModelInfo.Launch l : info.launches()) (l.backward() ? backward : forward)[l.op()] = l;
        return new OpenCl(device, net, kernel, forward, backward);
    }

    @Override public String describe() {
        return "opencl — " + device.getOpenCLPlatform().getName() + ", " + device.getName();
    }

    @Override public void forward(float[][] buffers, int[] dims) {
        bind(buffers, dims);
        int ops = net.forwardOps();
        for (int k = 0; k < ops; k++) {
            if (k < forward.length && forward[k] != null) launch(forward[k], buffers, net.forwardItems(dims, k));
            else net.forwardOp(buffers, dims, k);
        }
    }

    @Override public void backward(float[][] buffers, int[] dims) {
        bind(buffers, dims);
        net.backwardOp(buffers, dims, -1);
        int ops = net.backwardOps();
        for (int k = 0; k < ops; k++) {
            if (k < backward.length && backward[k] != null) launch(backward[k], buffers, net.backwardItems(dims, k));
            else net.backwardOp(buffers, dims, k);
        }
    }

    @Override public long launches() { return launches; }

    /** Points the kernel's fields at this workspace (a new batch shape brings new arrays). */
    private void bind(float[][] buffers, int[] dims) {
        if (buffers == bound && java.util.Arrays.equals(dims, boundDims)) return;
        // A copy: Aparapi moves an array to the device only when the field gets a new one, so sizes
        // changed in place in the caller's array would otherwise stay stale there.
        boundDims = dims.clone();
        branches.bind(buffers, boundDims.clone());
        bound = buffers;
    }

    /** Launches branch {@code l.id()} over {@code items} work items: the op's independent iterations, as the model class counts them. */
    private void launch(ModelInfo.Launch l, float[][] buffers, int items) {
        branches.select(l.id());
        try {
            for (int b : l.put()) kernel.put(buffers[b]);
            kernel.execute(device.createRange(items));
            checkRanOnDevice();
            for (int b : l.get()) kernel.get(buffers[b]);
        } catch (DeviceFailed e) {
            throw new UserError("OpenCL kernel " + l.id() + " of " + kernel.getClass().getName() + " failed on " + device.getName() + ": "
                + e.getMessage() + "; use --device jvm");
        } catch (RuntimeException | Error e) {
            // Aparapi's own failures (out of device memory, a lost device) arrive as unchecked exceptions.
            if (e instanceof UserError u) throw u;
            throw new UserError("OpenCL failed on " + device.getName() + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); use --device jvm");
        }
        launches++;
    }

    private void checkRanOnDevice() {
        if (kernel.getTargetDevice() != device || !KernelManager.instance().getPreferences(kernel).getFailedDevices().isEmpty()) {
            throw new UserError("OpenCL kernels of " + kernel.getClass().getName() + " did not run on " + device.getName()
                + " (Aparapi fell back to " + kernel.getTargetDevice() + "); use --device jvm");
        }
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

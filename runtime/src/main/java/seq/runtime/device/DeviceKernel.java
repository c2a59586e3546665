package seq.runtime.device;

/**
 * What every generated device kernel (a {@code com.aparapi.Kernel} subclass, one per data-parallel op)
 * offers the runtime: its arguments set from a workspace, its number of work items, and the arrays
 * to move to and from the device around a launch.
 */
public interface DeviceKernel {
    /** Sets the kernel's fields from the workspace {@code buffers} and the bound sizes {@code dims}. */
    void bind(float[][] buffers, int[] dims);

    /** Work items for the bound sizes: one per iteration of the op's parallel loop. */
    int items();

    /** Every array the kernel reads or writes. */
    float[][] arrays();

    /** The arrays it writes. */
    float[][] written();
}

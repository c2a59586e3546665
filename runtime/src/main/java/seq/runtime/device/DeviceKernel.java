package seq.runtime.device;

/**
 * What a model's generated device class (a {@code com.aparapi.Kernel} subclass holding every
 * data-parallel op as one branch of its {@code run()}) offers the runtime.
 */
public interface DeviceKernel {
    /** Sets the kernel's fields from the workspace {@code buffers} and the bound sizes {@code dims}. */
    void bind(float[][] buffers, int[] dims);

    /** Chooses the branch (the op) the next launch runs. */
    void select(int op);
}

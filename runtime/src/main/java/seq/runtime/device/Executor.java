package seq.runtime.device;

/** Runs a model's forward and backward passes over a workspace: all on the JVM, or partly on an OpenCL device. */
public interface Executor {
    /** The line the trainer prints when it starts: {@code device: jvm} or {@code device: opencl — platform, device}. */
    String describe();

    void forward(float[][] buffers, int[] dims);

    void backward(float[][] buffers, int[] dims);

    /** Device kernel launches so far (0 on the JVM). */
    long launches();
}

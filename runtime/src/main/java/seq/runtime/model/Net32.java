package seq.runtime.model;

/**
 * A model compiled to float32 (training): the class the compiler generates implements this.
 * Every tensor is one flat array in {@code buffers}, laid out as the model's buffer plan says;
 * {@code dims} holds the bound value of each symbolic size (batch, T, ...).
 */
public interface Net32 {
    /** The length of every buffer for these sizes. */
    void sizes(int[] dims, int[] lengths);

    /** Every buffer's dimensions, one after another in buffer order (ranks are in the model's description). */
    void shapes(int[] dims, int[] shape);

    /**
     * Inputs and weights in, activations and the loss out. Some ops overwrite what an earlier op of the pass
     * wrote (a recurrence turns its input rows into its gates in place), so a pass, or any op of it, runs once
     * over the buffers the ops before it left; the same holds for {@link #backward}, which writes a recurrence's
     * input gradient over its gates: one backward pass per forward pass.
     */
    void forward(float[][] buffers, int[] dims);

    /** How many ops the forward pass has. */
    int forwardOps();

    /** How many ops the backward pass has, not counting its start. */
    int backwardOps();

    /** Forward op {@code k} alone: {@link #forward} is ops 0, 1, ... in order. */
    void forwardOp(float[][] buffers, int[] dims, int k);

    /** Backward op {@code k} alone, or with k = -1 the pass's start: {@link #backward} is -1, 0, 1, ... in order. */
    void backwardOp(float[][] buffers, int[] dims, int k);

    /** Independent iterations (samples, rows) of forward op {@code k} for these sizes; 0 when the op cannot be split. */
    int forwardItems(int[] dims, int k);

    /** Iterations [lo, hi) of forward op {@code k}: the op split across threads, one range each. */
    void forwardRange(float[][] buffers, int[] dims, int k, int lo, int hi);

    /** {@link #forwardItems} for backward op {@code k}. */
    int backwardItems(int[] dims, int k);

    /** {@link #forwardRange} for backward op {@code k}. */
    void backwardRange(float[][] buffers, int[] dims, int k, int lo, int hi);

    /** After {@link #forward}: every gradient buffer, the weights' included, from the loss. */
    void backward(float[][] buffers, int[] dims);

    /**
     * After {@link #backward}: the optimizer's update of every weight from its gradient and state
     * buffers. {@code hyper}: learning rate, momentum | beta_1 | rho, beta_2, epsilon, Adam's
     * bias-corrected rate, clipnorm (0 for none).
     */
    void step(float[][] buffers, int[] dims, float[] hyper);
}

package seq.runtime.model;

/**
 * Activations applied in place to a row segment {@code a[off .. off + n)}, for generated float32 classes
 * that gather a step's gate pre-activations in rows: {@link VectorRows} when the JVM has the Vector API
 * (see {@link Gemm#VECTOR}), else {@link FastMath} element by element. Both give the same bits.
 */
public final class Rows {
    private Rows() {}

    public static void sigmoidRow(float[] a, int off, int n) {
        if (Gemm.VECTOR) {
            VectorRows.sigmoid(a, off, n);
        } else {
            for (int i = off; i < off + n; i++) a[i] = FastMath.sigmoid(a[i]);
        }
    }

    public static void tanhRow(float[] a, int off, int n) {
        if (Gemm.VECTOR) {
            VectorRows.tanh(a, off, n);
        } else {
            for (int i = off; i < off + n; i++) a[i] = FastMath.tanh(a[i]);
        }
    }
}

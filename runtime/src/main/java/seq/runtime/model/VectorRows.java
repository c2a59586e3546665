package seq.runtime.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code Rows} on Java's Vector API: {@link FastMath}'s sigmoid and tanh lane by lane, the same operations
 * in the same order, so the same bits. A row's last, partial vector goes through a padded scratch copy.
 * Loaded only when the JVM has the {@code jdk.incubator.vector} module.
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);

    private VectorRows() {}

    static void sigmoid(float[] a, int off, int n) {
        int i = 0;
        for (; i + L <= n; i += L) sigmoid(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        if (i < n) {
            float[] t = TAIL.get();
            System.arraycopy(a, off + i, t, 0, n - i);
            sigmoid(FloatVector.fromArray(S, t, 0)).intoArray(t, 0);
            System.arraycopy(t, 0, a, off + i, n - i);
        }
    }

    static void tanh(float[] a, int off, int n) {
        int i = 0;
        for (; i + L <= n; i += L) tanh(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        if (i < n) {
            float[] t = TAIL.get();
            System.arraycopy(a, off + i, t, 0, n - i);
            tanh(FloatVector.fromArray(S, t, 0)).intoArray(t, 0);
            System.arraycopy(t, 0, a, off + i, n - i);
        }
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    private static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = exp(a.mul(-2f));
        FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        FloatVector x2 = x.mul(x);
        FloatVector p = FloatVector.broadcast(S, -1382f / 155925f);
        p = p.mul(x2).add(62f / 2835f);
        p = p.mul(x2).sub(17f / 315f);
        p = p.mul(x2).add(2f / 15f);
        p = p.mul(x2).sub(1f / 3f);
        FloatVector small = x.add(x.mul(x2).mul(p));
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector large = t.blend(t.neg(), negative);
        return large.blend(small, a.compare(VectorOperators.LT, 0.2f));
    }

    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-87.33f).min(88.37f);
        FloatVector shifted = c.mul(1.44269504088896341f).add(12582912f);
        IntVector k = ((IntVector) shifted.viewAsIntegralLanes()).sub(Float.floatToRawIntBits(12582912f));
        FloatVector n = shifted.sub(12582912f);
        FloatVector r = c.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f));
        FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
        p = p.mul(r).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        return e.mul(scale);
    }
}

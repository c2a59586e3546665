package seq.runtime.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code Rows} on Java's Vector API: {@link FastMath}'s sigmoid and tanh lane by lane, the same operations
 * in the same order, so the same bits. A row whose length is not a whole number of vectors is worked on
 * in a padded scratch copy. Each function is one loop with its exp written out inside: the Vector API
 * is only fast where C2 inlines everything into one compiled loop, and a shared helper would be compiled
 * on its own and called, boxing every vector. Loaded only when the JVM has the
 * {@code jdk.incubator.vector} module.
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private VectorRows() {}

    /** The array to work on: {@code a} itself, or (for a partial last vector) a padded scratch copy of the row. */
    private static float[] source(float[] a, int off, int n) {
        if (n % L == 0) return a;
        float[][] holder = PADDED.get();
        int padded = (n / L + 1) * L;
        if (holder[0].length < padded) holder[0] = new float[padded];
        System.arraycopy(a, off, holder[0], 0, n);
        return holder[0];
    }

    static void sigmoid(float[] a, int off, int n) {
        float[] buf = source(a, off, n);
        int base = buf == a ? off : 0, end = base + n;
        for (int i = base; i < end; i += L) {
            FloatVector c = FloatVector.fromArray(S, buf, i).neg().max(-87.33f).min(88.37f);
            FloatVector shifted = c.mul(1.44269504088896341f).add(ROUND);
            IntVector k = ((IntVector) shifted.viewAsIntegralLanes()).sub(ROUND_BITS);
            FloatVector m = shifted.sub(ROUND);
            FloatVector r = c.sub(m.mul(0.693359375f)).sub(m.mul(-2.12194440e-4f));
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f).mul(r).add(1.3981999507e-3f);
            p = p.mul(r).add(8.3334519073e-3f).mul(r).add(4.1665795894e-2f).mul(r).add(1.6666665459e-1f).mul(r).add(5.0000001201e-1f);
            FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
            FloatVector e = p.mul(r.mul(r)).add(r).add(1f).mul(scale);
            FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(buf, i);
        }
        if (buf != a) System.arraycopy(buf, 0, a, off, n);
    }

    static void tanh(float[] a, int off, int n) {
        float[] buf = source(a, off, n);
        int base = buf == a ? off : 0, end = base + n;
        for (int i = base; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, buf, i);
            FloatVector abs = x.abs();
            FloatVector c = abs.mul(-2f).max(-87.33f).min(88.37f);
            FloatVector shifted = c.mul(1.44269504088896341f).add(ROUND);
            IntVector k = ((IntVector) shifted.viewAsIntegralLanes()).sub(ROUND_BITS);
            FloatVector m = shifted.sub(ROUND);
            FloatVector r = c.sub(m.mul(0.693359375f)).sub(m.mul(-2.12194440e-4f));
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f).mul(r).add(1.3981999507e-3f);
            p = p.mul(r).add(8.3334519073e-3f).mul(r).add(4.1665795894e-2f).mul(r).add(1.6666665459e-1f).mul(r).add(5.0000001201e-1f);
            FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
            FloatVector e = p.mul(r.mul(r)).add(r).add(1f).mul(scale);
            FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
            FloatVector x2 = x.mul(x);
            FloatVector q = FloatVector.broadcast(S, -1382f / 155925f).mul(x2).add(62f / 2835f);
            q = q.mul(x2).sub(17f / 315f).mul(x2).add(2f / 15f).mul(x2).sub(1f / 3f);
            FloatVector small = x.add(x.mul(x2).mul(q));
            t.blend(t.neg(), x.compare(VectorOperators.LT, 0f)).blend(small, abs.compare(VectorOperators.LT, 0.2f)).intoArray(buf, i);
        }
        if (buf != a) System.arraycopy(buf, 0, a, off, n);
    }
}

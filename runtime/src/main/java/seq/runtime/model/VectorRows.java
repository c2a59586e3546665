package seq.runtime.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code Rows} on Java's Vector API: {@link FastMath}'s sigmoid and tanh lane by lane, the same operations
 * in the same order, so the same bits. Several rows, or a row whose length is not a whole number of
 * vectors, are worked on in a scratch copy, one after another and padded to whole vectors. Each function is one loop with its exp written out inside: the Vector API
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

    /**
     * The array to work on for {@code count} segments of n elements, {@code stride} apart from {@code off}:
     * {@code a} itself when the segments are whole vectors, else a scratch copy of them one after another,
     * padded to whole vectors, which {@link #scatter} copies back.
     */
    private static float[] gather(float[] a, int off, int n, int count, int stride) {
        if (n % L == 0) return a;
        float[][] holder = PADDED.get();
        int padded = (n * count / L + 1) * L;
        if (holder[0].length < padded) holder[0] = new float[padded];
        float[] buf = holder[0];
        for (int k = 0; k < count; k++) System.arraycopy(a, off + k * stride, buf, k * n, n);
        return buf;
    }

    private static void scatter(float[] buf, float[] a, int off, int n, int count, int stride) {
        if (buf != a) for (int k = 0; k < count; k++) System.arraycopy(buf, k * n, a, off + k * stride, n);
    }

    static void sigmoid(float[] a, int off, int n, int count, int stride) {
        rows(a, off, n, count, stride, VectorRows::sigmoid);
    }

    static void tanh(float[] a, int off, int n, int count, int stride) {
        rows(a, off, n, count, stride, VectorRows::tanh);
    }

    /** An activation in place over whole vectors from {@code from} until {@code to} or just past it. */
    private interface Run {
        void apply(float[] buf, int from, int to);
    }

    /** {@code run} on the segments: in place when they are whole vectors, else on their gathered copy. */
    private static void rows(float[] a, int off, int n, int count, int stride, Run run) {
        float[] buf = gather(a, off, n, count, stride);
        if (buf != a) run.apply(buf, 0, n * count);
        else for (int k = 0, at = off; k < count; k++, at += stride) run.apply(a, at, at + n);
        scatter(buf, a, off, n, count, stride);
    }

    /** Sigmoid in place over whole vectors from {@code from} until {@code to} or just past it. */
    private static void sigmoid(float[] buf, int from, int to) {
        for (int i = from; i < to; i += L) {
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
    }

    /** Tanh in place over whole vectors from {@code from} until {@code to} or just past it. */
    private static void tanh(float[] buf, int from, int to) {
        for (int i = from; i < to; i += L) {
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
    }

    /**
     * {@link Rows#columnSum}: four vectors of columns at a time, started from db and summed down all the
     * rows in registers, then one vector, then the last columns one by one; each column's rows are added
     * in order, as the plain loop adds them.
     */
    static void columnSum(float[] dz, int m, int n, int j0, int j1, float[] db, int at) {
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            int d = at + j;
            FloatVector s0 = FloatVector.fromArray(S, db, d), s1 = FloatVector.fromArray(S, db, d + L);
            FloatVector s2 = FloatVector.fromArray(S, db, d + 2 * L), s3 = FloatVector.fromArray(S, db, d + 3 * L);
            for (int r = 0, row = j; r < m; r++, row += n) {
                s0 = s0.add(FloatVector.fromArray(S, dz, row));
                s1 = s1.add(FloatVector.fromArray(S, dz, row + L));
                s2 = s2.add(FloatVector.fromArray(S, dz, row + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, dz, row + 3 * L));
            }
            s0.intoArray(db, d);
            s1.intoArray(db, d + L);
            s2.intoArray(db, d + 2 * L);
            s3.intoArray(db, d + 3 * L);
        }
        for (; j + L <= j1; j += L) {
            FloatVector s0 = FloatVector.fromArray(S, db, at + j);
            for (int r = 0, row = j; r < m; r++, row += n) s0 = s0.add(FloatVector.fromArray(S, dz, row));
            s0.intoArray(db, at + j);
        }
        for (; j < j1; j++) {
            float s = db[at + j];
            for (int r = 0, row = j; r < m; r++, row += n) s += dz[row];
            db[at + j] = s;
        }
    }

    /** {@link Rows#columnMax}: a vector of columns at a time down all the rows, then the last columns one by one. */
    static void columnMax(float[] x, int off, int m, int n, float[] y, float[] arg, int at) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector best = FloatVector.fromArray(S, x, off + j), where = FloatVector.zero(S);
            for (int r = 1, row = off + n + j; r < m; r++, row += n) {
                FloatVector xv = FloatVector.fromArray(S, x, row);
                where = where.blend(r, xv.compare(VectorOperators.GT, best));
                best = best.max(xv);
            }
            best.intoArray(y, at + j);
            where.intoArray(arg, at + j);
        }
        for (; j < n; j++) {
            float best = x[off + j], where = 0;
            for (int r = 1, row = off + n + j; r < m; r++, row += n) {
                float xv = x[row];
                if (xv > best) where = r;
                best = Math.max(best, xv);
            }
            y[at + j] = best;
            arg[at + j] = where;
        }
    }
}

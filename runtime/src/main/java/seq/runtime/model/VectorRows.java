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
    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});
    /** Lane k's offset in z's, xw's, h's and r's rows for {@link #lstmCell}'s gathers: k·zStride, k·xStride, k·hStride, k·rStride. */
    private static final ThreadLocal<int[][]> LANES = ThreadLocal.withInitial(() -> new int[4][L]);

    private VectorRows() {}

    /** Forgets this thread's scratch space (the warm-up's way to keep growing it in HotSpot's profile). */
    static void dropScratch() {
        PADDED.remove();
    }

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

    /** Sigmoid in place over whole vectors from {@code from} until {@code to} or just past it: {@link FastMath#sigmoid}'s operations. */
    private static void sigmoid(float[] buf, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromArray(S, buf, i);
            FloatVector c = x.neg().max(-86.5f).min(86.5f);
            FloatVector shifted = c.fma(FastMath.LOG2E, FastMath.ROUND);
            IntVector k = ((IntVector) shifted.viewAsIntegralLanes()).sub(FastMath.ROUND_BITS);
            FloatVector m = shifted.sub(FastMath.ROUND).neg();
            FloatVector r = m.fma(FloatVector.broadcast(S, FastMath.LN2_LO), m.fma(FloatVector.broadcast(S, FastMath.LN2_HI), c));
            FloatVector p = FloatVector.broadcast(S, FastMath.E5).fma(r, FloatVector.broadcast(S, FastMath.E4))
                .fma(r, FloatVector.broadcast(S, FastMath.E3)).fma(r, FloatVector.broadcast(S, FastMath.E2))
                .fma(r, FloatVector.broadcast(S, FastMath.E1)).fma(r, FloatVector.broadcast(S, FastMath.E0));
            FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
            FloatVector e = p.fma(r.mul(r), r).add(1f).mul(scale);
            FloatVector.broadcast(S, 1f).div(e.add(1f)).blend(0f, x.compare(VectorOperators.LT, -86.5f)).intoArray(buf, i);
        }
    }

    /** Tanh in place over whole vectors from {@code from} until {@code to} or just past it: {@link FastMath#tanh}'s operations. */
    private static void tanh(float[] buf, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector c = FloatVector.fromArray(S, buf, i).max(-FastMath.TANH_CLAMP).min(FastMath.TANH_CLAMP);
            FloatVector s = c.mul(c);
            FloatVector p = FloatVector.broadcast(S, FastMath.P5).fma(s, FloatVector.broadcast(S, FastMath.P4))
                .fma(s, FloatVector.broadcast(S, FastMath.P3)).fma(s, FloatVector.broadcast(S, FastMath.P2))
                .fma(s, FloatVector.broadcast(S, FastMath.P1)).fma(s, FloatVector.broadcast(S, FastMath.P0));
            FloatVector q = FloatVector.broadcast(S, FastMath.Q3).fma(s, FloatVector.broadcast(S, FastMath.Q2))
                .fma(s, FloatVector.broadcast(S, FastMath.Q1)).fma(s, FloatVector.broadcast(S, FastMath.Q0));
            c.mul(p).div(q).intoArray(buf, i);
        }
    }

    /**
     * {@link Rows#lstmCell}: each sample's whole vectors of units in place, then the remaining units of all
     * the samples together, gathered into a scratch copy padded to whole vectors (so a layer narrower than a
     * vector still fills its vectors), and copied back: a vector of samples at a time with the Vector API's
     * gathers and scatters (a lane per sample), the samples after the last whole vector one by one.
     */
    static void lstmCell(float[] r, int rAt, int rStride, float[] xw, int xAt, int xStride, float[] b,
                         float[] z, int zAt, int zStride, float[] c, float[] ca, float[] h, int hAt, int hStride,
                         boolean prev, int u, int count) {
        int tail = u % L, whole = u - tail;
        if (whole > 0) {
            for (int k = 0; k < count; k++) {
                int zb = zAt + k * zStride, xb = xAt + k * xStride, hb = hAt + k * hStride, rb = rAt + k * rStride;
                if (whole == u) {
                    preActivations(z, zb, r, rb, xw, xb, b, 0, 4 * u, prev);
                } else {
                    for (int g = 0; g < 4; g++) preActivations(z, zb + g * u, r, rb + g * u, xw, xb + g * u, b, g * u, whole, prev);
                }
                cell(z, zb, zb + u, zb + 2 * u, zb + 3 * u, prev ? c : null, hb - u, c, hb, ca, hb, h, hb, whole);
            }
        }
        if (tail == 0) return;
        // Eight regions of the scratch: the gates i f g o, the previous c, then c, tanh(c) and h. Whole vectors of
        // samples first, a lane per sample, each unit's values gathered from every sample's row at once and
        // scattered back after; then the samples left over, each unit after the other.
        int n = count * tail, p = (n + L - 1) / L * L, lanes = count / L * L;
        float[][] holder = PADDED.get();
        if (holder[0].length < 8 * p) holder[0] = new float[8 * p];
        float[] buf = holder[0];
        int[][] maps = LANES.get();
        int[] zLanes = maps[0], xLanes = maps[1], hLanes = maps[2], rLanes = maps[3];
        for (int k = 0; k < L; k++) {
            zLanes[k] = k * zStride;
            xLanes[k] = k * xStride;
            hLanes[k] = k * hStride;
            rLanes[k] = k * rStride;
        }
        for (int k0 = 0; k0 < lanes; k0 += L) {
            for (int q = 0; q < tail; q++) {
                int at = (k0 * tail + q * L), rb = rAt + k0 * rStride + whole + q, xb = xAt + k0 * xStride + whole + q;
                for (int g = 0; g < 4; g++) {
                    FloatVector in = FloatVector.fromArray(S, xw, xb + g * u, xLanes, 0).add(b[whole + g * u + q]);
                    (prev ? in.add(FloatVector.fromArray(S, r, rb + g * u, rLanes, 0)) : in).intoArray(buf, g * p + at);
                }
                if (prev) FloatVector.fromArray(S, c, hAt + k0 * hStride + whole + q - u, hLanes, 0).intoArray(buf, 4 * p + at);
            }
        }
        for (int k = lanes, at = lanes * tail; k < count; k++, at += tail) {
            int rb = rAt + k * rStride + whole, xb = xAt + k * xStride + whole, hb = hAt + k * hStride + whole;
            for (int g = 0; g < 4; g++) {
                for (int q = 0; q < tail; q++) {
                    int j = g * u + q;
                    buf[g * p + at + q] = Rows.preActivation(r, rb + j, xw, xb + j, b, whole + j, prev);
                }
            }
            if (prev) System.arraycopy(c, hb - u, buf, 4 * p + at, tail);
        }
        cell(buf, 0, p, 2 * p, 3 * p, prev ? buf : null, 4 * p, buf, 5 * p, buf, 6 * p, buf, 7 * p, n);
        for (int k0 = 0; k0 < lanes; k0 += L) {
            for (int q = 0; q < tail; q++) {
                int at = (k0 * tail + q * L), zb = zAt + k0 * zStride + whole + q, hb = hAt + k0 * hStride + whole + q;
                for (int g = 0; g < 4; g++) FloatVector.fromArray(S, buf, g * p + at).intoArray(z, zb + g * u, zLanes, 0);
                FloatVector.fromArray(S, buf, 5 * p + at).intoArray(c, hb, hLanes, 0);
                FloatVector.fromArray(S, buf, 6 * p + at).intoArray(ca, hb, hLanes, 0);
                FloatVector.fromArray(S, buf, 7 * p + at).intoArray(h, hb, hLanes, 0);
            }
        }
        for (int k = lanes, at = lanes * tail; k < count; k++, at += tail) {
            int zb = zAt + k * zStride + whole, hb = hAt + k * hStride + whole;
            for (int g = 0; g < 4; g++) System.arraycopy(buf, g * p + at, z, zb + g * u, tail);
            System.arraycopy(buf, 5 * p + at, c, hb, tail);
            System.arraycopy(buf, 6 * p + at, ca, hb, tail);
            System.arraycopy(buf, 7 * p + at, h, hb, tail);
        }
    }

    /**
     * {@link Rows#preActivation} over n elements, a whole number of vectors: z[zb + j] = (xw[xb + j] + b[bj + j])
     * + r[rb + j] with {@code prev}, else without the last term (z may be xw itself: each element is read first).
     */
    private static void preActivations(float[] z, int zb, float[] r, int rb, float[] xw, int xb, float[] b, int bj, int n, boolean prev) {
        for (int j = 0; j < n; j += L) {
            FloatVector in = FloatVector.fromArray(S, xw, xb + j).add(FloatVector.fromArray(S, b, bj + j));
            (prev ? in.add(FloatVector.fromArray(S, r, rb + j)) : in).intoArray(z, zb + j);
        }
    }

    /**
     * The cell over whole vectors from offset 0 until {@code n} or just past it: the gates' activations in
     * place of their pre-activations (i, f, g, o at their own offsets in {@code z}), c from f, i, g and the
     * previous c ({@code cp} from {@code cpAt}, or 0 where cp is null), tanh(c), then h. Each function its
     * own loop, as the rows have them: five in one loop were more than C2 would inline, and it boxed the
     * vectors.
     */
    private static void cell(float[] z, int iAt, int fAt, int gAt, int oAt, float[] cp, int cpAt,
                             float[] c, int cAt, float[] ca, int caAt, float[] h, int hAt, int n) {
        if (fAt == iAt + n) {
            sigmoid(z, iAt, iAt + 2 * n);
        } else {
            sigmoid(z, iAt, iAt + n);
            sigmoid(z, fAt, fAt + n);
        }
        tanh(z, gAt, gAt + n);
        sigmoid(z, oAt, oAt + n);
        for (int j = 0; j < n; j += L) {
            FloatVector before = cp == null ? FloatVector.zero(S) : FloatVector.fromArray(S, cp, cpAt + j);
            FloatVector cv = FloatVector.fromArray(S, z, fAt + j).mul(before)
                .add(FloatVector.fromArray(S, z, iAt + j).mul(FloatVector.fromArray(S, z, gAt + j)));
            cv.intoArray(c, cAt + j);
            cv.intoArray(ca, caAt + j);
        }
        tanh(ca, caAt, caAt + n);
        for (int j = 0; j < n; j += L) {
            FloatVector.fromArray(S, z, oAt + j).mul(FloatVector.fromArray(S, ca, caAt + j)).intoArray(h, hAt + j);
        }
    }

    /**
     * {@link Rows#lstmCellGrad}: each sample's whole vectors of units, then its remaining units as one more
     * vector, read past the sample's units (where the arrays go on that far) and stored through a scratch
     * copy, which takes only those units back; one by one where an array ends first.
     */
    static void lstmCellGrad(float[] z, int zAt, int zStride, float[] c, float[] ca, int hAt, int hStride, boolean prev,
                             float[] dh, float[] dc, int dAt, float[] dz, int dzAt, int dzStride, int u, int count) {
        int tail = u % L, whole = u - tail;
        float[] out = null;
        if (tail > 0) {
            float[][] holder = PADDED.get();
            if (holder[0].length < 5 * L) holder[0] = new float[5 * L];
            out = holder[0];
        }
        for (int k = 0; k < count; k++) {
            int zb = zAt + k * zStride, hb = hAt + k * hStride, db = dAt + k * u, dzb = dzAt + k * dzStride;
            for (int q = 0; q < whole; q += L) {
                gradVector(z, zb + q, c, ca, hb + q, prev, u, dh, dc, db + q, dz, dzb + q, u, dc, db + q);
            }
            if (tail == 0) continue;
            int q = whole;
            if (zb + 3 * u + q + L <= z.length && hb + q + L <= Math.min(c.length, ca.length) && db + q + L <= Math.min(dh.length, dc.length)) {
                gradVector(z, zb + q, c, ca, hb + q, prev, u, dh, dc, db + q, out, 0, L, out, 4 * L);
                for (int g = 0; g < 4; g++) System.arraycopy(out, g * L, dz, dzb + g * u + q, tail);
                System.arraycopy(out, 4 * L, dc, db + q, tail);
            } else {
                Rows.lstmCellGrad(z, zb, c, ca, hb, prev, dh, dc, db, dz, dzb, u, q, u);
            }
        }
    }

    /**
     * One vector of {@link Rows#lstmCellGrad}: the gates' activations from {@code z[zq]}, {@code u} apart, the
     * previous c {@code u} before {@code hq} in c; the four dz vectors to {@code dz[dzq]}, {@code dzg} apart,
     * the new dc to {@code dcOut[dcAt]}.
     */
    private static void gradVector(float[] z, int zq, float[] c, float[] ca, int hq, boolean prev, int u,
                                   float[] dh, float[] dc, int dq, float[] dz, int dzq, int dzg, float[] dcOut, int dcAt) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector ia = FloatVector.fromArray(S, z, zq), fa = FloatVector.fromArray(S, z, zq + u);
        FloatVector ga = FloatVector.fromArray(S, z, zq + 2 * u), oa = FloatVector.fromArray(S, z, zq + 3 * u);
        FloatVector cav = FloatVector.fromArray(S, ca, hq), dhv = FloatVector.fromArray(S, dh, dq);
        FloatVector cp = prev ? FloatVector.fromArray(S, c, hq - u) : FloatVector.zero(S);
        FloatVector dcv = FloatVector.fromArray(S, dc, dq).add(dhv.mul(oa).mul(one.sub(cav.mul(cav))));
        dcv.mul(ga).mul(ia.mul(one.sub(ia))).intoArray(dz, dzq);
        dcv.mul(cp).mul(fa.mul(one.sub(fa))).intoArray(dz, dzq + dzg);
        dcv.mul(ia).mul(one.sub(ga.mul(ga))).intoArray(dz, dzq + 2 * dzg);
        dhv.mul(cav).mul(oa.mul(one.sub(oa))).intoArray(dz, dzq + 3 * dzg);
        dcv.mul(fa).intoArray(dcOut, dcAt);
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

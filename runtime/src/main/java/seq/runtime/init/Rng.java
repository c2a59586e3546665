package seq.runtime.init;

import java.nio.charset.StandardCharsets;

/**
 * A small deterministic random source: xoshiro256** (Blackman and Vigna), its 256-bit state
 * seeded from a 64-bit seed with SplitMix64, exactly as the reference {@code xoshiro256starstar.c}
 * recommends. Same seed gives bit-for-bit the same stream on every JVM: only integer arithmetic,
 * IEEE double arithmetic (strict in Java 17) and {@link StrictMath} are used.
 *
 * <p>{@link #fork(String)} derives an independent generator from this generator's <em>seed</em>
 * (not from its current state) and a name, so each weight gets its own reproducible stream no
 * matter in which order weights are initialised or how many numbers were drawn before.
 *
 * <p>Not thread-safe; use one instance per thread (fork one per weight).
 */
public final class Rng {

    /** SplitMix64's increment (the 64-bit golden ratio). */
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** 64-bit FNV-1a offset basis and prime. */
    static final long FNV_OFFSET_BASIS = 0xCBF29CE484222325L;
    static final long FNV_PRIME = 0x100000001B3L;

    private final long seed;
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** Spare normal deviate from the polar method (second of each pair), if {@link #hasSpare}. */
    private double spare;
    private boolean hasSpare;

    /** A generator whose stream is determined by {@code seed} alone. */
    public Rng(long seed) {
        this.seed = seed;
        long x = seed;
        x += GOLDEN_GAMMA;
        s0 = mix64(x);
        x += GOLDEN_GAMMA;
        s1 = mix64(x);
        x += GOLDEN_GAMMA;
        s2 = mix64(x);
        x += GOLDEN_GAMMA;
        s3 = mix64(x);
        // Four consecutive outputs of SplitMix64 are distinct (mix64 is a bijection), so the state
        // is never all zero.
    }

    /** The seed this generator was created with. */
    public long seed() {
        return seed;
    }

    /**
     * An independent generator for {@code name}, derived from this generator's seed and the
     * 64-bit FNV-1a hash of the name's UTF-8 bytes, mixed with SplitMix64. Does not depend on (or
     * change) this generator's state. Forks can be nested: {@code rng.fork("lstm").fork("kernel")}.
     */
    public Rng fork(String name) {
        if (name == null) {
            throw new IllegalArgumentException("fork name must not be null");
        }
        return new Rng(forkSeed(seed, name));
    }

    /** The seed {@link #fork(String)} gives the child generator for {@code name}. */
    public static long forkSeed(long seed, String name) {
        long h = fnv1a64(name);
        return mix64(seed ^ mix64(h + GOLDEN_GAMMA));
    }

    /** The next 64 random bits (xoshiro256**). */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A double uniform in [0, 1): the top 53 bits of {@link #nextLong()} times 2^-53. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** {@code a + (b - a) * nextDouble()}: uniform in [a, b) up to rounding at the top end. */
    public double uniform(double a, double b) {
        return a + (b - a) * nextDouble();
    }

    /**
     * A standard normal deviate (mean 0, variance 1), by Marsaglia's polar method. Each accepted
     * pair yields two deviates; the second is returned by the next call. Deterministic: the
     * rejection loop consumes a fixed, seed-determined sequence of draws.
     */
    public double normal() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2.0 * nextDouble() - 1.0;
            v = 2.0 * nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double m = StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    /** {@code mean + stddev * normal()}. */
    public double normal(double mean, double stddev) {
        return mean + stddev * normal();
    }

    /** SplitMix64's output function (a bijection on 64-bit values). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a of the UTF-8 bytes of {@code s}. */
    public static long fnv1a64(String s) {
        long h = FNV_OFFSET_BASIS;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= FNV_PRIME;
        }
        return h;
    }
}

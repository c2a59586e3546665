package seq.runtime.model;

/**
 * float32 exp and tanh for generated float32 model classes, where the gate math of recurrent layers
 * costs as much as their products: {@code Math.exp} works in double and {@code Math.tanh} is a library
 * call, while these are a few multiply-adds that HotSpot inlines. Float64 classes (gradient checks) and
 * OpenCL kernels keep their own exact functions.
 *
 * <p>Error bounds, checked by {@code FastMathTest} against {@code Math.exp}/{@code Math.tanh} in double
 * over a dense sweep: {@link #exp} within 3e-7 relative for inputs in [−86.5, 88] (below −86.5 it
 * returns e^−86.5 ≈ 2.7e-38; above 88.37 it returns e^88.37 ≈ 2.4e38 rather than infinity);
 * {@link #tanh} within 3.5e-7 relative everywhere (beyond ±8, where it stays at tanh 8, 2.3e-7 from ±1);
 * {@link #sigmoid} within 3e-7 relative where its value is above 2.7e-38, and 0 below (x < −86.5).
 *
 * <p>None of them returns a subnormal number for an input of magnitude 1e-18 or more (tanh of a smaller x
 * is about x), nor makes one on the way (tanh's x² is subnormal below about 1e-19). The CPU takes a
 * microcode assist of about a hundred cycles for every instruction that produces or reads a subnormal
 * (Java cannot set flush-to-zero), and saturated gates used to make them at every step: an LSTM step
 * whose pre-activations were around ±100 took 198 ns a unit against 12 for ±1, and 40 with these clamps
 * ({@code RowsTest} and {@code FastMathTest} check the bits and the bounds; the times are from a one-off
 * microbenchmark).
 */
public final class FastMath {
    private FastMath() {}

    // exp's constants, package-private for VectorRows, whose sigmoid takes the same operations for the same bits.
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: added to a float of magnitude below 2^22, it leaves that float rounded to an integer in the low mantissa bits. */
    static final float ROUND = 12582912f;
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** ln 2 split in two (Cody and Waite): the high part has few bits, so n · LN2_HI is exact. */
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** e^r ≈ 1 + r + r²·P(r): P's coefficients, constant term first (the Cephes library's expf). */
    static final float E0 = 5.0000001201e-1f, E1 = 1.6666665459e-1f, E2 = 4.1665795894e-2f, E3 = 8.3334519073e-3f,
        E4 = 1.3981999507e-3f, E5 = 1.9875691500e-4f;

    /**
     * e^x: x = n·ln2 + r with |r| ≤ ln2/2, e^r from a degree-6 polynomial (the minimax coefficients of
     * the Cephes library's expf), times 2^n built from its exponent bits.
     */
    public static float exp(float x) {
        float c = Math.min(88.37f, Math.max(-86.5f, x));
        // n = c·log2(e) rounded to nearest: adding 1.5·2^23 leaves the integer in the low mantissa bits.
        // Fused multiply-adds throughout (VectorRows's sigmoid takes the same ones, for the same bits).
        float shifted = Math.fma(c, LOG2E, ROUND);
        int k = Float.floatToRawIntBits(shifted) - ROUND_BITS;
        float n = shifted - ROUND;
        float r = Math.fma(-n, LN2_LO, Math.fma(-n, LN2_HI, c));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E5, r, E4), r, E3), r, E2), r, E1), r, E0);
        float e = Math.fma(p, r * r, r) + 1f;
        return e * Float.intBitsToFloat((k + 127) << 23);
    }

    /**
     * The logistic function 1 / (1 + e^−x), with e^−x taken at most e^86.5 (so the quotient stays a normal
     * number, never NaN) and 0 below x = −86.5, where the exact value is under 2.7e-38 (TensorFlow's CPU
     * kernels flush subnormal values, those under 1.2e-38, to zero). A select, not a branch.
     */
    public static float sigmoid(float x) {
        float s = 1f / (1f + exp(Math.min(86.5f, -x)));
        return x < -86.5f ? 0f : s;
    }

    /** tanh's rational approximation, x·P(x²)/Q(x²): numerator and denominator coefficients, constant term first. */
    static final float P0 = 1.0f, P1 = 0.13023339211940765f, P2 = 0.0030340312514454126f, P3 = 1.0338053471059538e-05f,
        P4 = -1.617968692357863e-08f, P5 = 2.76177414271217e-11f;
    static final float Q0 = 1.0f, Q1 = 0.46356669068336487f, Q2 = 0.024222981184720993f, Q3 = 0.00024398490495514125f;
    /** Where tanh's input is clamped: tanh 8 = 1 − 2.3e-7, within the error bound of 1. */
    static final float TANH_CLAMP = 8f;

    /**
     * tanh x as x·P(x²)/Q(x²) with x clamped to [−8, 8]: a rational approximation of degrees 11 and 6,
     * fitted by {@code bench/fit_tanh.py} (weighted least squares on the relative error over [0, 8], the
     * weights iterated towards its minimax; it prints these coefficients), evaluated by Horner's rule with
     * fused multiply-adds. About 15 operations against about 50 for the
     * exp-based form with a Taylor series near 0 that it replaces, and one division; the vector form
     * ({@code VectorRows}) made the LSTM cell about a quarter faster. Odd, so tanh(−0) = −0; beyond ±8 it
     * returns ±0.9999998 (tanh 8), not ±1.
     */
    public static float tanh(float x) {
        float c = Math.min(TANH_CLAMP, Math.max(-TANH_CLAMP, x));
        float s = c * c;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P5, s, P4), s, P3), s, P2), s, P1), s, P0);
        float q = Math.fma(Math.fma(Math.fma(Q3, s, Q2), s, Q1), s, Q0);
        return c * p / q;
    }
}

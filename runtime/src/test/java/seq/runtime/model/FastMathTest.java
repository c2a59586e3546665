package seq.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastMathTest {
    /** The largest relative error against the double function, over a dense sweep of [lo, hi]. */
    private static double worst(java.util.function.DoubleUnaryOperator exact, java.util.function.DoubleUnaryOperator fast,
                                double lo, double hi, int points) {
        double worst = 0;
        for (int i = 0; i <= points; i++) {
            float x = (float) (lo + (hi - lo) * i / points);
            double want = exact.applyAsDouble(x), got = fast.applyAsDouble(x);
            if (want == 0) {
                assertEquals(0, got, 0, "at " + x);
                continue;
            }
            worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
        }
        return worst;
    }

    @Test
    void expWithinThreeTenMillionthsRelative() {
        double err = worst(Math::exp, x -> FastMath.exp((float) x), -86.5, 88, 2_000_000);
        assertTrue(err < 3e-7, "exp: worst relative error " + err);
        double small = worst(Math::exp, x -> FastMath.exp((float) x), -1e-3, 1e-3, 200_000);
        assertTrue(small < 3e-7, "exp near 0: worst relative error " + small);
    }

    @Test
    void expAtItsEdges() {
        assertEquals(1f, FastMath.exp(0f));
        assertEquals((float) Math.E, FastMath.exp(1f), 2e-7f * (float) Math.E);
        // Far below the range: e^−86.5 (about 2.7e-38, a normal number), never NaN; far above: finite and huge.
        float tiny = FastMath.exp(-1000f), huge = FastMath.exp(1000f);
        assertEquals(FastMath.exp(-86.5f), tiny);
        assertTrue(tiny >= Float.MIN_NORMAL && tiny < 3e-38f, "exp(-1000) = " + tiny);
        assertTrue(Float.isFinite(huge) && huge > 1e38f, "exp(1000) = " + huge);
        assertTrue(Float.isNaN(FastMath.exp(Float.NaN)));
    }

    @Test
    void tanhWithinThreeAndAHalfTenMillionthsRelative() {
        double err = worst(Math::tanh, x -> FastMath.tanh((float) x), -20, 20, 2_000_000);
        assertTrue(err < 3.5e-7, "tanh: worst relative error " + err);
        double small = worst(Math::tanh, x -> FastMath.tanh((float) x), -0.25, 0.25, 500_000);
        assertTrue(small < 3.5e-7, "tanh near 0: worst relative error " + small);
        double tiny = worst(Math::tanh, x -> FastMath.tanh((float) x), -1e-6, 1e-6, 200_000);
        assertTrue(tiny < 3.5e-7, "tanh within 1e-6 of 0: worst relative error " + tiny);
        // Beyond the clamp at ±8: tanh 8, within the bound of ±1, and odd.
        assertEquals(FastMath.tanh(8f), FastMath.tanh(50f));
        assertEquals(1f, FastMath.tanh(50f), 3e-7f);
        assertEquals(-FastMath.tanh(50f), FastMath.tanh(-50f));
        assertEquals(1f, FastMath.tanh(Float.POSITIVE_INFINITY), 3e-7f);
        assertEquals(0f, FastMath.tanh(0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FastMath.tanh(-0f)));
        assertTrue(Float.isNaN(FastMath.tanh(Float.NaN)));
        // Odd, and never past ±1.
        for (float x = 0f; x < 20f; x = x + 1e-3f) {
            assertEquals(-FastMath.tanh(x), FastMath.tanh(-x), "at " + x);
            assertTrue(FastMath.tanh(x) <= 1f, "at " + x);
        }
    }

    @Test
    void sigmoidWithinThreeTenMillionthsRelative() {
        java.util.function.DoubleUnaryOperator exact = x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
        double err = worst(exact, x -> FastMath.sigmoid((float) x), -86.5, 40, 2_000_000);
        assertTrue(err < 3e-7, "sigmoid: worst relative error " + err);
        assertEquals(0.5f, FastMath.sigmoid(0f));
        assertEquals(1f, FastMath.sigmoid(100f));
        // Below −86.5 the exact value is under 2.7e-38: flushed to zero, as TensorFlow's CPU kernels do.
        assertEquals(0f, FastMath.sigmoid(-86.6f));
        assertEquals(0f, FastMath.sigmoid(-1000f));
        assertTrue(FastMath.sigmoid(-86.5f) >= Float.MIN_NORMAL, "sigmoid(-86.5) = " + FastMath.sigmoid(-86.5f));
        assertTrue(Float.isNaN(FastMath.sigmoid(Float.NaN)));
    }

    /**
     * No result is subnormal (between 0 and 1.2e-38): the CPU takes a slow microcode assist for every
     * instruction that makes or reads one, and saturated gates used to make them at every step. Checked
     * from −10^4 to 10^4 in relative steps of 10^-5 (from 10^-18 out: tanh of a smaller x is x itself,
     * as small), every float around the clamps, and at the infinities.
     */
    @Test
    void noResultIsSubnormal() {
        java.util.function.IntConsumer check = bits -> {
            float x = Float.intBitsToFloat(bits);
            for (float y : new float[] {FastMath.exp(x), FastMath.sigmoid(x), FastMath.tanh(x)}) {
                assertTrue(y == 0 || Math.abs(y) >= Float.MIN_NORMAL || Float.isNaN(y), "a subnormal result " + y + " at " + x);
            }
        };
        for (float x = 1e-18f; x <= 1e4f; x = Math.nextUp(x) + x * 1e-5f) {
            check.accept(Float.floatToRawIntBits(x));
            check.accept(Float.floatToRawIntBits(-x));
        }
        check.accept(0);
        // Densely around the clamps, every float there.
        for (float x = -90f; x <= -80f; x = Math.nextUp(x)) check.accept(Float.floatToRawIntBits(x));
        for (float x = 80f; x <= 90f; x = Math.nextUp(x)) check.accept(Float.floatToRawIntBits(x));
        check.accept(Float.floatToRawIntBits(Float.NEGATIVE_INFINITY));
        check.accept(Float.floatToRawIntBits(Float.POSITIVE_INFINITY));
    }
}

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
        double err = worst(Math::exp, x -> FastMath.exp((float) x), -87, 88, 2_000_000);
        assertTrue(err < 3e-7, "exp: worst relative error " + err);
        double small = worst(Math::exp, x -> FastMath.exp((float) x), -1e-3, 1e-3, 200_000);
        assertTrue(small < 3e-7, "exp near 0: worst relative error " + small);
    }

    @Test
    void expAtItsEdges() {
        assertEquals(1f, FastMath.exp(0f));
        assertEquals((float) Math.E, FastMath.exp(1f), 2e-7f * (float) Math.E);
        // Far below the range: tiny and positive, never NaN; far above: finite and huge.
        float tiny = FastMath.exp(-1000f), huge = FastMath.exp(1000f);
        assertTrue(tiny >= 0 && tiny < 1e-37f, "exp(-1000) = " + tiny);
        assertTrue(Float.isFinite(huge) && huge > 1e38f, "exp(1000) = " + huge);
        assertTrue(Float.isNaN(FastMath.exp(Float.NaN)));
    }

    @Test
    void tanhWithinThreeTenMillionthsRelative() {
        double err = worst(Math::tanh, x -> FastMath.tanh((float) x), -20, 20, 2_000_000);
        assertTrue(err < 3e-7, "tanh: worst relative error " + err);
        double small = worst(Math::tanh, x -> FastMath.tanh((float) x), -0.25, 0.25, 500_000);
        assertTrue(small < 3e-7, "tanh near 0: worst relative error " + small);
        assertEquals(1f, FastMath.tanh(50f));
        assertEquals(-1f, FastMath.tanh(-50f));
        assertEquals(0f, FastMath.tanh(0f));
    }

    @Test
    void sigmoidWithinThreeTenMillionthsRelative() {
        java.util.function.DoubleUnaryOperator exact = x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
        double err = worst(exact, x -> FastMath.sigmoid((float) x), -85, 40, 2_000_000);
        assertTrue(err < 3e-7, "sigmoid: worst relative error " + err);
        assertEquals(0.5f, FastMath.sigmoid(0f));
        assertEquals(1f, FastMath.sigmoid(100f));
        float far = FastMath.sigmoid(-1000f);
        assertTrue(far >= 0 && far < 1e-37f, "sigmoid(-1000) = " + far);
    }
}

package seq.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {

    private static long u(String unsignedDecimal) {
        return Long.parseUnsignedLong(unsignedDecimal);
    }

    @Test
    void splitMix64MatchesReferenceVectors() {
        // Reference SplitMix64 (Vigna's splitmix64.c): state 1234567, outputs 1..5.
        long[] expected = {
            u("6457827717110365317"), u("3203168211198807973"), u("9817491932198370423"),
            u("4593380528125082431"), u("16408922859458223821"),
        };
        long x = 1234567L;
        for (long e : expected) {
            x += Rng.GOLDEN_GAMMA;
            assertEquals(e, Rng.mix64(x));
        }
        // State 0, first output: 0xe220a8397b1dcdaf.
        assertEquals(0xE220A8397B1DCDAFL, Rng.mix64(Rng.GOLDEN_GAMMA));
    }

    @Test
    void xoshiro256StarStarMatchesReferenceVector() {
        // xoshiro256** with its state seeded by SplitMix64 from 0: the widely published sequence.
        long[] expected = {
            u("11091344671253066420"), u("13793997310169335082"), u("1900383378846508768"),
            u("7684712102626143532"), u("13521403990117723737"),
        };
        Rng rng = new Rng(0L);
        for (long e : expected) {
            assertEquals(e, rng.nextLong());
        }
    }

    @Test
    void fnv1a64MatchesReferenceVectors() {
        assertEquals(0xCBF29CE484222325L, Rng.fnv1a64(""));
        assertEquals(0xAF63DC4C8601EC8CL, Rng.fnv1a64("a"));
        assertEquals(0x85944171F73967E8L, Rng.fnv1a64("foobar"));
    }

    @Test
    void pinnedValuesDoNotChange() {
        // Regression pins, computed once from this implementation: if any of these change, every
        // seeded model's initial weights change.
        Rng child = new Rng(42L).fork("lstm/kernel");
        assertEquals(0xAEA70F7D810F32C2L, child.seed());
        assertEquals(Rng.forkSeed(42L, "lstm/kernel"), child.seed());
        assertEquals(0xEED839FF06F710B4L, child.nextLong());
        assertEquals(0xDED18523DCEE4716L, child.nextLong());
        assertEquals(Double.parseDouble("0x1.edc0d635eea0bp-1"), new Rng(7L).normal(), 0.0);
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferentStream() {
        Rng a = new Rng(123L);
        Rng b = new Rng(123L);
        Rng c = new Rng(124L);
        boolean anyDifferent = false;
        for (int i = 0; i < 1000; i++) {
            double x = a.normal();
            assertEquals(Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(b.normal()));
            double y = a.nextDouble();
            assertEquals(Double.doubleToRawLongBits(y), Double.doubleToRawLongBits(b.nextDouble()));
            anyDifferent |= c.nextLong() != new Rng(123L).nextLong();
        }
        assertTrue(anyDifferent);
        assertNotEquals(new Rng(123L).nextLong(), new Rng(124L).nextLong());
    }

    @Test
    void forkDependsOnSeedAndNameOnlyNotOnState() {
        Rng parent = new Rng(2024L);
        Rng before = parent.fork("lstm/kernel");
        for (int i = 0; i < 17; i++) {
            parent.nextLong();
        }
        parent.normal(); // leaves a spare normal behind
        Rng after = parent.fork("lstm/kernel");
        for (int i = 0; i < 100; i++) {
            assertEquals(before.nextLong(), after.nextLong());
        }
        // Forking does not consume from the parent.
        Rng p1 = new Rng(5L);
        Rng p2 = new Rng(5L);
        p1.fork("x");
        p1.fork("y");
        assertEquals(p2.nextLong(), p1.nextLong());
    }

    @Test
    void forksWithDifferentNamesOrSeedsDiffer() {
        Rng root = new Rng(1L);
        long[] seeds = {
            root.fork("lstm/kernel").seed(),
            root.fork("lstm/recurrent_kernel").seed(),
            root.fork("lstm/bias").seed(),
            root.fork("lstm_1/kernel").seed(),
            root.fork("").seed(),
            new Rng(2L).fork("lstm/kernel").seed(),
            root.seed(),
        };
        for (int i = 0; i < seeds.length; i++) {
            for (int j = i + 1; j < seeds.length; j++) {
                assertNotEquals(seeds[i], seeds[j], "fork seeds " + i + " and " + j + " collide");
            }
        }
        assertNotEquals(root.fork("a").nextLong(), root.fork("b").nextLong());
        // Nested forks are deterministic and distinct from the flat name.
        assertEquals(root.fork("lstm").fork("kernel").seed(), new Rng(1L).fork("lstm").fork("kernel").seed());
        assertNotEquals(root.fork("lstm").fork("kernel").seed(), root.fork("lstm/kernel").seed());
        assertThrows(IllegalArgumentException.class, () -> root.fork(null));
    }

    @Test
    void nextDoubleIsInUnitIntervalWithUniformMoments() {
        Rng rng = new Rng(99L);
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble();
            assertTrue(x >= 0.0 && x < 1.0, "nextDouble out of [0,1): " + x);
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        // mean: sd 1/sqrt(12 n); variance 1/12, sd of the sample variance sqrt(1/180 n).
        assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / n));
        assertEquals(1.0 / 12, var, 5 * Math.sqrt(1.0 / 180 / n));
    }

    @Test
    void uniformRespectsBounds() {
        Rng rng = new Rng(3L);
        for (int i = 0; i < 10_000; i++) {
            double x = rng.uniform(-2.5, 7.0);
            assertTrue(x >= -2.5 && x < 7.0, "uniform out of range: " + x);
        }
    }

    @Test
    void normalHasMeanZeroVarianceOneOver100kDraws() {
        Rng rng = new Rng(20240601L);
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        double sum4 = 0;
        int within1 = 0;
        for (int i = 0; i < n; i++) {
            double x = rng.normal();
            assertTrue(Double.isFinite(x));
            sum += x;
            sumSq += x * x;
            sum4 += x * x * x * x;
            if (Math.abs(x) < 1.0) {
                within1++;
            }
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        double m4 = sum4 / n;
        // Standard errors: mean 1/sqrt(n); variance sqrt(2/n); 4th moment sqrt((105 - 9)/n).
        assertEquals(0.0, mean, 4 / Math.sqrt(n), "mean");
        assertEquals(1.0, var, 4 * Math.sqrt(2.0 / n), "variance");
        assertEquals(3.0, m4, 4 * Math.sqrt(96.0 / n), "fourth moment");
        double p = 0.6826894921370859; // P(|Z| < 1)
        assertEquals(p, within1 / (double) n, 4 * Math.sqrt(p * (1 - p) / n), "P(|Z|<1)");
    }

    @Test
    void normalPairsAreNotIdentical() {
        Rng rng = new Rng(11L);
        double a = rng.normal();
        double b = rng.normal();
        assertFalse(a == b);
        double[] x = new double[8];
        double[] y = new double[8];
        Rng r1 = new Rng(11L);
        Rng r2 = new Rng(11L);
        for (int i = 0; i < 8; i++) {
            x[i] = r1.normal(3.0, 2.0);
            y[i] = 3.0 + 2.0 * r2.normal();
        }
        assertArrayEquals(x, y, 0.0);
    }
}

package seq.compiler.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SizeTest {
    private static final Size T = Size.sym("T");
    private static final Size BATCH = Size.sym("batch");

    @Test
    void constantsFoldAndPrint() {
        assertEquals(Size.of(119), Size.of(128).minus(10).plus(1));
        assertEquals("0", Size.of(0).toString());
        assertEquals("5", Size.of(5).toString());
        assertEquals("-3", Size.of(-3).toString());
        assertEquals(Size.of(0), Size.of(3).minus(3));
        assertEquals(7, Size.of(7).constant());
        assertEquals(OptionalLong.of(0), Size.of(0).constantValue());
        assertTrue(Size.of(4).isConstant());
    }

    @Test
    void likeTermsCombine() {
        assertEquals("T - 9", T.minus(10).plus(1).toString());
        assertEquals(T.minus(Size.of(4)), T.minus(2).minus(2));
        assertEquals(Size.of(0), T.minus(T));
        assertEquals(T, T.times(2).minus(T));
        assertEquals("T * T - 1", T.plus(1).times(T.minus(1)).toString());
        assertEquals(T.times(T).minus(1), T.plus(1).times(T.minus(1)));
        assertFalse(T.isConstant());
        assertEquals(OptionalLong.empty(), T.constantValue());
        assertThrows(IllegalStateException.class, T::constant);
    }

    @Test
    void printing() {
        assertEquals("T - 4", T.minus(4).toString());
        assertEquals("2 * T - 1", T.times(2).minus(1).toString());
        assertEquals("batch * T", T.times(BATCH).toString());
        assertEquals("batch + T", T.plus(BATCH).toString());
        assertEquals("-T + 3", Size.of(3).minus(T).toString());
        assertEquals("-2 * T", T.times(-2).toString());
        assertEquals("T * T * T + batch - 2", T.times(T).times(T).plus(BATCH).minus(2).toString());
        assertEquals("floor(T / 2)", T.floorDiv(2).toString());
        assertEquals("floor((T + 1) / 2)", T.plus(1).floorDiv(2).toString());
        assertEquals("ceil(T / 2)", T.ceilDiv(2).toString());
        assertEquals("2 * floor(T / 3)", T.floorDiv(3).times(2).toString());
        assertEquals("T + floor(T / 3) - 1", T.floorDiv(3).plus(T).minus(1).toString());
        assertEquals("floor((T + 1) / 2) - 2", T.minus(5).floorDiv(2).plus(1).toString());
        assertEquals("?", Size.unknown().toString());
        assertEquals("? + 1", Size.unknown().plus(1).toString());
    }

    @Test
    void divisionNormalises() {
        assertNotEquals(T, T.floorDiv(2).times(2));
        assertEquals(T, T.times(2).floorDiv(2));
        assertEquals(T, T.times(2).ceilDiv(2));
        assertEquals(T.plus(1), T.plus(1).ceilDiv(1));
        assertEquals(T.plus(1), T.plus(1).floorDiv(1));
        assertEquals(Size.of(3), Size.of(7).floorDiv(2));
        assertEquals(Size.of(4), Size.of(7).ceilDiv(2));
        assertEquals(Size.of(-4), Size.of(-7).floorDiv(2));
        assertEquals(Size.of(-3), Size.of(-7).ceilDiv(2));
        assertEquals(T.plus(1).floorDiv(2).minus(3), T.minus(5).floorDiv(2));
        assertEquals(T.floorDiv(2).plus(BATCH), T.plus(BATCH.times(2)).floorDiv(2));
        assertEquals(T.floorDiv(6), T.floorDiv(2).floorDiv(3));
        assertEquals(T.ceilDiv(6), T.ceilDiv(2).ceilDiv(3));
        assertNotEquals(T.floorDiv(6), T.ceilDiv(2).floorDiv(3));
        // floor((floor((T + 1) / 2) + 3) / 2) = floor((T + 7) / 4)
        assertEquals("floor((T + 3) / 4) + 1", T.plus(1).floorDiv(2).plus(3).floorDiv(2).toString());
        // a common factor of the divisor and every coefficient cancels
        assertEquals(T.floorDiv(2), T.times(2).plus(1).floorDiv(4));
        assertEquals(T.ceilDiv(2), T.times(2).minus(1).ceilDiv(4));
        assertEquals(T.plus(1).ceilDiv(2), T.times(2).plus(1).ceilDiv(4));
        assertThrows(IllegalArgumentException.class, () -> T.floorDiv(0));
        assertThrows(IllegalArgumentException.class, () -> T.ceilDiv(-2));
        assertThrows(IllegalArgumentException.class, () -> T.exactDiv(0));
    }

    @Test
    void exactDivision() {
        assertEquals(Optional.empty(), T.exactDiv(2));
        assertEquals(Optional.of(T.plus(2)), T.times(4).plus(8).exactDiv(4));
        assertEquals(Optional.empty(), T.times(4).plus(6).exactDiv(4));
        assertEquals(Optional.of(Size.of(0)), Size.of(0).exactDiv(3));
    }

    @Test
    void unknownsAreDistinct() {
        Size u = Size.unknown();
        assertNotEquals(Size.unknown(), Size.unknown());
        assertEquals(u, u.plus(1).minus(1));
        assertEquals(Size.of(0), u.minus(u));
        assertTrue(u.hasUnknown());
        assertTrue(T.plus(u).floorDiv(2).hasUnknown());
        assertFalse(T.hasUnknown());
        assertThrows(IllegalArgumentException.class, () -> u.evaluate(Map.of()));
    }

    @Test
    void symbols() {
        assertEquals(Set.of("T", "batch"), T.floorDiv(3).times(BATCH).plus(1).symbols());
        assertEquals(Set.of("T"), T.plus(1).floorDiv(2).symbols());
        assertEquals(Set.of(), Size.of(3).symbols());
        assertEquals(Set.of(), Size.unknown().symbols());
    }

    @Test
    void evaluation() {
        Size conv = T.minus(5).floorDiv(2).plus(1);
        assertEquals(0, conv.evaluate(Map.of("T", 4L)));
        assertEquals(3, conv.evaluate(Map.of("T", 9L)));
        assertEquals(4, T.ceilDiv(2).evaluate(Map.of("T", 7L)));
        assertEquals(-4, T.floorDiv(2).evaluate(Map.of("T", -7L)));
        assertEquals(-3, T.ceilDiv(2).evaluate(Map.of("T", -7L)));
        assertEquals(-2, T.minus(5).floorDiv(3).evaluate(Map.of("T", 0L)));
        assertEquals(-1, T.minus(5).ceilDiv(3).evaluate(Map.of("T", 0L)));
        assertEquals(12, T.times(BATCH).evaluate(Map.of("T", 3L, "batch", 4L)));
        assertThrows(IllegalArgumentException.class, () -> T.times(BATCH).evaluate(Map.of("T", 3L)));
    }

    @Test
    void overflowThrows() {
        assertThrows(ArithmeticException.class, () -> Size.of(Long.MAX_VALUE).plus(1));
        assertThrows(ArithmeticException.class, () -> T.times(Long.MAX_VALUE).times(2));
        assertThrows(ArithmeticException.class, () -> T.minus(Long.MIN_VALUE));
        assertThrows(ArithmeticException.class, () -> T.times(Long.MIN_VALUE).times(-1));
        assertThrows(ArithmeticException.class, () -> T.times(T).evaluate(Map.of("T", 1L << 40)));
        assertEquals("-9223372036854775808 * T", T.times(Long.MIN_VALUE).toString());
    }

    // ---- property tests: an independent expression tree evaluated directly ----

    private sealed interface Expr {
        long eval(Map<String, Long> env);

        Size size();

        /** The same expression with the operands of every + and * swapped. */
        Expr mirror();
    }

    private record Const(long n) implements Expr {
        public long eval(Map<String, Long> env) { return n; }
        public Size size() { return Size.of(n); }
        public Expr mirror() { return this; }
    }

    private record Var(String name) implements Expr {
        public long eval(Map<String, Long> env) { return env.get(name); }
        public Size size() { return Size.sym(name); }
        public Expr mirror() { return this; }
    }

    private record Bin(char op, Expr a, Expr b) implements Expr {
        public long eval(Map<String, Long> env) {
            long x = a.eval(env), y = b.eval(env);
            return switch (op) {
                case '+' -> Math.addExact(x, y);
                case '-' -> Math.subtractExact(x, y);
                default -> Math.multiplyExact(x, y);
            };
        }
        public Size size() {
            return switch (op) {
                case '+' -> a.size().plus(b.size());
                case '-' -> a.size().minus(b.size());
                default -> a.size().times(b.size());
            };
        }
        public Expr mirror() {
            return op == '-' ? new Bin(op, a.mirror(), b.mirror()) : new Bin(op, b.mirror(), a.mirror());
        }
    }

    private record Div(Expr a, long d, boolean ceil) implements Expr {
        public long eval(Map<String, Long> env) {
            long x = a.eval(env);
            return ceil ? Math.floorDiv(x + d - 1, d) : Math.floorDiv(x, d);
        }
        public Size size() { return ceil ? a.size().ceilDiv(d) : a.size().floorDiv(d); }
        public Expr mirror() { return new Div(a.mirror(), d, ceil); }
    }

    private static Expr random(Random rnd, int depth) { return random(rnd, depth, true); }

    private static Expr random(Random rnd, int depth, boolean divisions) {
        if (depth == 0 || rnd.nextInt(4) == 0) {
            return switch (rnd.nextInt(3)) {
                case 0 -> new Const(rnd.nextInt(13) - 6);
                case 1 -> new Var("T");
                default -> new Var("batch");
            };
        }
        Expr a = random(rnd, depth - 1, divisions);
        return switch (rnd.nextInt(divisions ? 6 : 3)) {
            case 0 -> new Bin('+', a, random(rnd, depth - 1, divisions));
            case 1 -> new Bin('-', a, random(rnd, depth - 1, divisions));
            case 2 -> new Bin('*', a, random(rnd, depth - 1, divisions));
            default -> new Div(a, 1 + rnd.nextInt(4), rnd.nextBoolean());
        };
    }

    private static Map<String, Long> randomEnv(Random rnd) {
        return Map.of("T", (long) rnd.nextInt(61) - 20, "batch", (long) rnd.nextInt(61) - 20);
    }

    @Test
    void normalFormEvaluatesLikeTheExpression() {
        Random rnd = new Random(42);
        int checked = 0, skipped = 0;
        for (int i = 0; i < 4000; i++) {
            Expr e = random(rnd, 1 + rnd.nextInt(5));
            Size s = e.size();
            for (int k = 0; k < 5; k++) {
                Map<String, Long> env = randomEnv(rnd);
                long expected, actual;
                try {
                    expected = e.eval(env);
                    actual = s.evaluate(env);
                } catch (ArithmeticException overflow) {
                    skipped++;
                    continue;
                }
                assertEquals(expected, actual, () -> e + " normalised to " + s + " at " + env);
                checked++;
            }
        }
        assertTrue(skipped < checked / 20, "too many overflows: " + skipped);
    }

    private static void assertSame(Size x, Size y) {
        assertEquals(x, y);
        assertEquals(x.hashCode(), y.hashCode());
        assertEquals(x.toString(), y.toString());
    }

    @Test
    void equalConstructionsGiveEqualSizes() {
        Random rnd = new Random(7);
        for (int i = 0; i < 3000; i++) {
            Expr ea = random(rnd, 3);
            Size a = ea.size(), b = random(rnd, 3).size(), c = random(rnd, 3).size();
            long d = 1 + rnd.nextInt(4), d2 = 1 + rnd.nextInt(4);
            assertSame(a, ea.mirror().size());
            assertSame(a.plus(b), b.plus(a));
            assertSame(a.times(b), b.times(a));
            assertSame(a.plus(b).plus(c), a.plus(b.plus(c)));
            assertSame(a.times(b).times(c), a.times(b.times(c)));
            assertSame(a.times(b.plus(c)), a.times(b).plus(a.times(c)));
            assertSame(a.minus(b), a.plus(b.times(-1)));
            assertSame(Size.of(0), a.minus(a));
            assertSame(a, a.plus(b).minus(b));
            assertSame(a.floorDiv(d).plus(b), a.plus(b.times(d)).floorDiv(d));
            assertSame(a.ceilDiv(d).plus(b), a.plus(b.times(d)).ceilDiv(d));
            // nested division folds completely when the numerator has no divisions of its own
            Size p = random(rnd, 3, false).size();
            assertSame(p.floorDiv(d).floorDiv(d2), p.floorDiv(d * d2));
            assertSame(p.ceilDiv(d).ceilDiv(d2), p.ceilDiv(d * d2));
            assertSame(p.plus(a.times(d * d2)).floorDiv(d).floorDiv(d2), p.floorDiv(d * d2).plus(a));
            assertSame(a, a.times(d).floorDiv(d));
            assertEquals(Optional.of(a), a.times(d).exactDiv(d));
        }
    }
}

package seq.compiler.codegen.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import seq.compiler.ir.ops.Update;

/** The generated optimizer steps against Keras 3's update rules worked by hand. */
class UpdateTest {
    private static Method update(String optimizer, boolean nesterov) throws Exception {
        byte[] bytes = new Emitter(Emitter.Precision.F64).emitClass("seq/test/U" + optimizer + nesterov,
            List.of(Update.kernel("update", optimizer, nesterov)));
        String name = "seq.test.U" + optimizer + nesterov;
        return new BytesClassLoader(UpdateTest.class.getClassLoader(), Map.of(name, bytes)).loadClass(name)
            .getMethod("update", double[].class, double[].class, double[].class, double[].class, int.class, double[].class);
    }

    @Test void adamFirstStep() throws Exception {
        // t = 1: m = 0.1 g, v = 0.001 g², corrected lr = lr · sqrt(1 − 0.999) / (1 − 0.9); w −= lr_t · m / (sqrt(v) + eps).
        double[] w = {1, -2}, g = {0.5, -4}, m = {0, 0}, v = {0, 0};
        double lrT = 0.01 * Math.sqrt(1 - 0.999) / (1 - 0.9);
        update("Adam", false).invoke(null, w, g, m, v, 2, new double[] {0.01, 0.9, 0.999, 1e-7, lrT, 0});
        assertArrayEquals(new double[] {0.05, -0.4}, m, 1e-15);
        assertArrayEquals(new double[] {0.00025, 0.016}, v, 1e-15);
        assertArrayEquals(new double[] {1 - lrT * 0.05 / (Math.sqrt(0.00025) + 1e-7), -2 + lrT * 0.4 / (Math.sqrt(0.016) + 1e-7)}, w, 1e-15);
    }

    @Test void sgdMomentumNesterovAndClipnorm() throws Exception {
        // ‖g‖ = 5 > clipnorm 1: g becomes (0.6, 0.8). velocity = 0.9 · 0.5 − 0.1 · g.
        double[] w = {0, 0}, g = {3, 4}, m = {0.5, 0.5}, v = {0, 0};
        update("SGD", false).invoke(null, w, g, m, v, 2, new double[] {0.1, 0.9, 0, 0, 0, 1});
        assertArrayEquals(new double[] {0.45 - 0.06, 0.45 - 0.08}, m, 1e-15);
        assertArrayEquals(m, w, 1e-15);
        double[] w2 = {0, 0}, m2 = {0.5, 0.5};
        update("SGD", true).invoke(null, w2, new double[] {3, 4}, m2, new double[2], 2, new double[] {0.1, 0.9, 0, 0, 0, 0});
        // Nesterov: w += momentum · velocity − lr · g with velocity = 0.45 − 0.1 g.
        assertArrayEquals(new double[] {0.9 * (0.45 - 0.3) - 0.3, 0.9 * (0.45 - 0.4) - 0.4}, w2, 1e-15);
    }

    @Test void rmspropStep() throws Exception {
        double[] w = {1}, g = {2}, v = {1};
        update("RMSprop", false).invoke(null, w, g, new double[1], v, 1, new double[] {0.01, 0.9, 0, 1e-7, 0, 0});
        assertArrayEquals(new double[] {0.9 + 0.1 * 4}, v, 1e-15);
        assertArrayEquals(new double[] {1 - 0.01 * 2 / (Math.sqrt(1.3) + 1e-7)}, w, 1e-15);
    }
}

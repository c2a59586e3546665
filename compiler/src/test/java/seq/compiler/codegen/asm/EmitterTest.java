package seq.compiler.codegen.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static seq.compiler.codegen.loops.Loop.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;
import seq.compiler.codegen.loops.Loop;

/** The loop language's bytecode, run in both precisions against hand-computed results. */
class EmitterTest {
    private static final Loop.Kernel MATMUL = new Loop.Kernel("matmul",
        List.of(p("a", Type.REAL_ARRAY), p("b", Type.REAL_ARRAY), p("c", Type.REAL_ARRAY), p("M", Type.INT), p("K", Type.INT), p("N", Type.INT)),
        List.of(loop("m", v("M"), loop("n", v("N"),
            let("acc", Type.REAL, r(0)),
            loop("k", v("K"), set("acc", add(v("acc"), mul(at("a", idx(v("m"), v("K"), v("k"))), at("b", idx(v("k"), v("N"), v("n"))))))),
            store("c", idx(v("m"), v("N"), v("n")), v("acc"))))));

    /** Uses a loop variable name twice in sequence, int arithmetic, select, comparisons and a call. */
    private static final Loop.Kernel MISC = new Loop.Kernel("misc", List.of(p("x", Type.REAL_ARRAY), p("n", Type.INT)), List.of(
        loop("i", v("n"), store("x", v("i"), select(cmp(">", at("x", v("i")), r(0)), fn("sqrt", at("x", v("i"))), neg(at("x", v("i")))))),
        loop("i", v("n"), when(cmp("==", new Bin('%', v("i"), i(2)), i(1)), store("x", v("i"), add(at("x", v("i")), real(v("i")))))),
        call("tanh1", v("x"))));
    private static final Loop.Kernel TANH = new Loop.Kernel("tanh1", List.of(p("x", Type.REAL_ARRAY)),
        List.of(store("x", i(0), fn("tanh", at("x", i(0))))));

    private static Class<?> load(Emitter.Precision p, Loop.Kernel... kernels) throws Exception {
        String name = "seq/test/K" + p;
        byte[] bytes = new Emitter(p).emitClass(name, List.of(kernels));
        StringWriter report = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), EmitterTest.class.getClassLoader(), false, new PrintWriter(report));
        assertEquals("", report.toString());
        return new BytesClassLoader(EmitterTest.class.getClassLoader(), Map.of(name.replace('/', '.'), bytes)).loadClass(name.replace('/', '.'));
    }

    @Test void matmulInBothPrecisions() throws Exception {
        // [[1, 2, 3], [4, 5, 6]] · [[1, 0], [0, 1], [2, 2]] = [[7, 8], [16, 17]]
        Method f = load(Emitter.Precision.F32, MATMUL).getMethod("matmul", float[].class, float[].class, float[].class, int.class, int.class, int.class);
        float[] c = new float[4];
        f.invoke(null, new float[] {1, 2, 3, 4, 5, 6}, new float[] {1, 0, 0, 1, 2, 2}, c, 2, 3, 2);
        assertArrayEquals(new float[] {7, 8, 16, 17}, c);
        Method d = load(Emitter.Precision.F64, MATMUL).getMethod("matmul", double[].class, double[].class, double[].class, int.class, int.class, int.class);
        double[] e = new double[4];
        d.invoke(null, new double[] {1, 2, 3, 4, 5, 6}, new double[] {1, 0, 0, 1, 2, 2}, e, 2, 3, 2);
        assertArrayEquals(new double[] {7, 8, 16, 17}, e);
    }

    @Test void scopesSelectsBranchesAndCalls() throws Exception {
        Method f = load(Emitter.Precision.F64, MISC, TANH).getMethod("misc", double[].class, int.class);
        double[] x = {0.25, -3, 4, 9};
        f.invoke(null, x, 4);
        // sqrt where positive, negated otherwise; odd indices then add their index; x[0] goes through tanh.
        assertArrayEquals(new double[] {Math.tanh(0.5), 3 + 1, 2, 3 + 3}, x, 1e-15);
    }

    @Test void tanhHelperMatchesMathTanh() throws Exception {
        Method f = load(Emitter.Precision.F64, TANH).getMethod("tanh1", double[].class);
        for (double v = -30; v <= 30; v += 0.0137) {
            for (double x : new double[] {v, v * 1e-6, v * 1e3}) {
                double[] a = {x};
                f.invoke(null, (Object) a);
                double want = Math.tanh(x);
                assertTrue(Math.abs(a[0] - want) <= 1e-9 * Math.abs(want) + 1e-300, "tanh(" + x + ") = " + a[0] + ", want " + want);
            }
        }
    }

    @Test void everyLocalHasALocalVariableTableEntry() throws Exception {
        byte[] bytes = new Emitter(Emitter.Precision.F32).emitClass("seq/test/Lvt", List.of(MATMUL));
        java.util.Set<String> names = new java.util.TreeSet<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return !name.equals("matmul") ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override public void visitLocalVariable(String n, String d, String s, Label a, Label b, int index) {
                        names.add(n);
                    }
                };
            }
        }, 0);
        assertEquals(java.util.Set.of("a", "b", "c", "M", "K", "N", "m", "m$end", "n", "n$end", "k", "k$end", "acc"), names);
    }

    @Test void erfMatchesTabulatedValues() throws Exception {
        Loop.Kernel k = new Loop.Kernel("erf1", List.of(p("x", Type.REAL_ARRAY)), List.of(store("x", i(0), fn("erf", at("x", i(0))))));
        Method f = load(Emitter.Precision.F64, k).getMethod("erf1", double[].class);
        double[][] table = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {-1.5, -0.9661051464753108}, {2, 0.9953222650189527}, {2.5, 0.9995930479825550}, {3, 0.9999779095030014},
            {4, 0.9999999845827421}, {10, 1}};
        for (double[] row : table) {
            double[] a = {row[0]};
            f.invoke(null, (Object) a);
            assertEquals(row[1], a[0], 1e-12, "erf(" + row[0] + ")");
        }
    }

    /**
     * step(x): 1 from 0 up (−0 included, as x ≥ 0 has it), 0 below, in both precisions, down to the smallest
     * subnormals and out to the infinities; and sigmoid at its two branches.
     */
    @Test void stepAndSigmoidInBothPrecisions() throws Exception {
        double[] in = {2.5, -0.0, -1e-30, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE,
            -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -3e38};
        int n = in.length;
        Loop.Kernel k = new Loop.Kernel("fns", List.of(p("x", Type.REAL_ARRAY)), List.of(loop("i", i(n),
            store("x", add(i(n), v("i")), fn("step", at("x", v("i")))),
            store("x", add(i(2 * n), v("i")), fn("sigmoid", at("x", v("i")))))));
        double[] d = new double[3 * n];
        System.arraycopy(in, 0, d, 0, n);
        load(Emitter.Precision.F64, k).getMethod("fns", double[].class).invoke(null, (Object) d);
        float[] f = new float[3 * n];
        for (int j = 0; j < n; j++) f[j] = (float) in[j];
        load(Emitter.Precision.F32, k).getMethod("fns", float[].class).invoke(null, (Object) f);
        for (int j = 0; j < n; j++) {
            double sigmoid = 1 / (1 + Math.exp(-in[j]));
            assertEquals(in[j] >= 0 ? 1 : 0, d[n + j], 0, "step(" + in[j] + ")");
            assertEquals(f[j] >= 0 ? 1 : 0, f[n + j], 0, "float step(" + f[j] + ")");
            if (Double.isFinite(in[j]) && Math.abs(in[j]) < 100) {
                assertEquals(sigmoid, d[2 * n + j], 1e-15, "sigmoid(" + in[j] + ")");
                assertEquals(sigmoid, f[2 * n + j], 3e-7, "float sigmoid(" + in[j] + ")");
            }
        }
    }
}

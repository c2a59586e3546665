package seq.compiler.codegen.asm;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.List;
import seq.compiler.codegen.loops.Loop;

/** Scalar functions java.lang.Math lacks, written once in the loop language and emitted into every class. */
final class Functions {
    private Functions() {}

    /**
     * The error function, for Keras's exact GELU. Below |x| = 2.5 its Maclaurin series (60 terms, the
     * terms' size peaks near 300, so about 13 digits survive); above, the continued fraction of erfc
     * evaluated from depth 60 upwards. Tested against tabulated values to 1e-12.
     */
    static final Loop.Kernel ERF = new Loop.Kernel("erf", List.of(p("x", Type.REAL)), List.of(
        let("a", Type.REAL, fn("abs", v("x"))),
        let("result", Type.REAL, r(0)),
        new If(cmp("<", v("a"), r(2.5)), List.of(
            let("term", Type.REAL, v("a")),
            let("sum", Type.REAL, v("a")),
            loop("n", i(60),
                set("term", mul(v("term"), div(neg(mul(v("a"), v("a"))), real(add(v("n"), i(1)))))),
                set("sum", add(v("sum"), div(v("term"), real(add(mul(i(2), v("n")), i(3))))))),
            set("result", mul(r(2 / Math.sqrt(Math.PI)), v("sum")))), List.of(
            let("f", Type.REAL, v("a")),
            loop("k", i(60),
                set("f", add(v("a"), div(mul(r(0.5), real(sub(i(60), v("k")))), v("f"))))),
            set("result", sub(r(1), div(fn("exp", neg(mul(v("a"), v("a")))), mul(r(Math.sqrt(Math.PI)), v("f"))))))),
        new Return(select(cmp("<", v("x"), r(0)), neg(v("result")), v("result")))), false, Type.REAL);

    /**
     * The logistic function in the form that cannot overflow on either side (exp only of a non-positive
     * number): float64 classes and device kernels call it; float32 classes take FastMath's.
     */
    static final Loop.Kernel SIGMOID = new Loop.Kernel("sigmoid", List.of(p("x", Type.REAL)), List.of(
        new Return(select(cmp(">=", v("x"), r(0)), div(r(1), add(r(1), fn("exp", neg(v("x"))))),
            div(fn("exp", v("x")), add(r(1), fn("exp", v("x"))))))), false, Type.REAL);

    /**
     * The step function 1 for x ≥ 0, else 0, as device kernels compute it. The JVM computes it without a
     * branch (see the emitter), the same for every number; for NaN it gives NaN where this gives 0.
     */
    static final Loop.Kernel STEP = new Loop.Kernel("step", List.of(p("x", Type.REAL)), List.of(
        new Return(select(cmp(">=", v("x"), r(0)), r(1), r(0)))), false, Type.REAL);
}

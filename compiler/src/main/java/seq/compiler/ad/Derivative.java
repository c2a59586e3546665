package seq.compiler.ad;

import static seq.compiler.codegen.loops.Loop.*;

import seq.compiler.codegen.loops.Loop;

/**
 * Symbolic differentiation of scalar loop-language expressions: the element-wise part of every VJP
 * (activations, Lambda bodies, losses) is derived here rather than written by hand, and folds a few
 * trivial cases so generated kernels stay small.
 */
public final class Derivative {
    private Derivative() {}

    /** d e / d var. */
    public static Expr of(Expr e, String var) {
        if (e instanceof Loop.IntConst || e instanceof Loop.RealConst || e instanceof Loop.ToReal || e instanceof Loop.Load) {
            return r(0);
        }
        if (e instanceof Loop.Var x) return r(x.name().equals(var) ? 1 : 0);
        if (e instanceof Loop.Neg n) return negate(of(n.a(), var));
        if (e instanceof Loop.Select s) return select(s.cond(), of(s.a(), var), of(s.b(), var));
        if (e instanceof Loop.Bin b) {
            Expr a = b.a(), c = b.b(), da = of(a, var), dc = of(c, var);
            return switch (b.op()) {
                case '+' -> plus(da, dc);
                case '-' -> minus(da, dc);
                case '*' -> plus(times(da, c), times(a, dc));
                case '/' -> isZero(dc) ? quotient(da, c) : quotient(minus(times(da, c), times(a, dc)), times(c, c));
                case '<' -> select(cmp("<=", a, c), da, dc);
                // max(a, 0) with da = 1, as in relu: the step function, which runs without a branch.
                case '>' -> isZero(c) && isOne(da) && isZero(dc) ? fn("step", a) : select(cmp(">=", a, c), da, dc);
                default -> throw new IllegalArgumentException("no derivative for " + b.op());
            };
        }
        Loop.Fn f = (Loop.Fn) e;
        Expr a = f.args().get(0), da = of(a, var);
        if (isZero(da) && (f.args().size() == 1 || isZero(of(f.args().get(1), var)))) return r(0);
        return switch (f.name()) {
            case "exp" -> times(e, da);
            case "log" -> quotient(da, a);
            case "tanh" -> times(minus(r(1), times(e, e)), da);
            case "sigmoid" -> times(times(e, minus(r(1), e)), da);
            case "step" -> r(0);
            case "erf" -> times(times(r(2 / Math.sqrt(Math.PI)), fn("exp", neg(times(a, a)))), da);
            case "sqrt" -> quotient(da, times(r(2), e));
            case "abs" -> select(cmp(">=", a, r(0)), da, negate(da));
            case "pow" -> {
                Expr b = f.args().get(1), db = of(b, var);
                Expr viaBase = times(times(b, fn("pow", a, minus(b, r(1)))), da);
                yield isZero(db) ? viaBase : plus(viaBase, times(times(e, fn("log", a)), db));
            }
            default -> throw new IllegalArgumentException("no derivative for " + f.name());
        };
    }

    static boolean isZero(Expr e) { return e instanceof Loop.RealConst c && c.value() == 0; }
    static boolean isOne(Expr e) { return e instanceof Loop.RealConst c && c.value() == 1; }

    static Expr plus(Expr a, Expr b) { return isZero(a) ? b : isZero(b) ? a : add(a, b); }
    static Expr minus(Expr a, Expr b) { return isZero(b) ? a : isZero(a) ? negate(b) : sub(a, b); }
    static Expr times(Expr a, Expr b) {
        if (isZero(a) || isZero(b)) return r(0);
        return isOne(a) ? b : isOne(b) ? a : mul(a, b);
    }
    static Expr quotient(Expr a, Expr b) { return isZero(a) ? r(0) : isOne(b) ? a : div(a, b); }
    static Expr negate(Expr a) { return isZero(a) ? a : a instanceof Loop.Neg n ? n.a() : neg(a); }
}

package seq.compiler.layers;

import java.util.List;
import java.util.Map;
import seq.compiler.ast.Expr;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Diagnostics;
import seq.compiler.ir.Lowering;
import seq.compiler.ir.Value;
import seq.compiler.ir.ops.Elementwise;
import seq.compiler.diag.Suggest;

/**
 * `Lambda(v -> expr)`: element-wise arithmetic in a closed language (numbers, the parameter, + - * /,
 * and the functions below). It never calls Java, so it can be differentiated like any other op.
 */
public final class Lambda extends LayerKind {
    /** Each function and its number of arguments. */
    public static final Map<String, Integer> FUNCTIONS = Map.of(
        "exp", 1, "log", 1, "sqrt", 1, "abs", 1, "tanh", 1, "sigmoid", 1, "relu", 1, "pow", 2, "min", 2, "max", 2);

    @Override public String name() { return "Lambda"; }

    @Override public List<Param> params() {
        return List.of(Param.required("function", Param.Kind.LAMBDA).withHelp("give the element-wise function, e.g. `Lambda(v -> v * 400)`"));
    }

    @Override public Out infer(Layer layer, List<Input> inputs, Diagnostics diags) {
        Input in = inputs.get(0);
        if (!requireFloat(layer, in, diags)) return null;
        Expr.Lambda fn = layer.args().lambda("function");
        if (!valid(fn.body(), fn.param(), diags)) return null;
        return new Out(in.type(), List.of(), List.of("computes `" + Expr.show(fn.body()) + "` for every element `" + fn.param()
            + "`; shape unchanged"));
    }

    @Override public Value lower(Layer layer, List<Value> inputs, Out out, Lowering ir) {
        Expr.Lambda fn = layer.args().lambda("function");
        Value y = ir.value(layer.name(), out.type().dims());
        ir.add(Elementwise.map("lambda", layer.span(), inputs, a -> math(fn.body(), fn.param(), a.get(0)), y));
        return y;
    }

    /** A checked lambda body as a loop-language expression of the element {@code x}. */
    static Loop.Expr math(Expr e, String param, Loop.Expr x) {
        if (e instanceof Expr.Int n) return Loop.r(n.value());
        if (e instanceof Expr.Float f) return Loop.r(f.value());
        if (e instanceof Expr.Name) return x;
        if (e instanceof Expr.Unary u) return Loop.neg(math(u.operand(), param, x));
        if (e instanceof Expr.Binary b) {
            Loop.Expr l = math(b.left(), param, x), r = math(b.right(), param, x);
            return switch (b.op()) {
                case '+' -> Loop.add(l, r);
                case '-' -> Loop.sub(l, r);
                case '*' -> Loop.mul(l, r);
                default -> Loop.div(l, r);
            };
        }
        Expr.Call c = (Expr.Call) e;
        List<Loop.Expr> args = c.args().stream().map(a -> math(a.value(), param, x)).toList();
        return switch (((Expr.Name) c.callee()).id()) {
            case "sigmoid" -> Activations.math("sigmoid").apply(args.get(0));
            case "relu" -> Activations.math("relu").apply(args.get(0));
            case "min" -> Loop.min(args.get(0), args.get(1));
            case "max" -> Loop.max(args.get(0), args.get(1));
            case "pow" -> Loop.fn("pow", args.get(0), args.get(1));
            default -> Loop.fn(((Expr.Name) c.callee()).id(), args.get(0));
        };
    }

    private static boolean valid(Expr e, String param, Diagnostics diags) {
        if (e instanceof Expr.Int || e instanceof Expr.Float) return true;
        if (e instanceof Expr.Name n) {
            if (n.id().equals(param)) return true;
            diags.report(Diagnostic.of(Code.S0102, n.span(), "`" + n.id() + "` is not defined in this lambda")
                .withHelp("a lambda body uses only its parameter `" + param + "`, numbers and the functions "
                    + String.join(", ", FUNCTIONS.keySet().stream().sorted().toList())));
            return false;
        }
        if (e instanceof Expr.Unary u) return valid(u.operand(), param, diags);
        if (e instanceof Expr.Binary b) return valid(b.left(), param, diags) & valid(b.right(), param, diags);
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name f) {
            Integer arity = FUNCTIONS.get(f.id());
            if (arity == null) {
                String guess = Suggest.didYouMean(f.id(), FUNCTIONS.keySet());
                diags.report(Diagnostic.of(Code.S0106, f.span(), "`" + f.id() + "` is not a Lambda function")
                    .withHelp((guess != null ? guess + " " : "") + "the functions are "
                        + String.join(", ", FUNCTIONS.keySet().stream().sorted().toList())));
                return false;
            }
            boolean ok = true;
            if (c.args().size() != arity) {
                diags.report(Diagnostic.of(Code.S0205, c.span(), "`" + f.id() + "` takes " + arity + " argument"
                        + (arity == 1 ? "" : "s") + ", found " + c.args().size())
                    .withHelp(arity == 1 ? "write `" + f.id() + "(" + param + ")`" : "write `" + f.id() + "(" + param + ", 2)`"));
                ok = false;
            }
            for (Expr.Arg a : c.args()) {
                if (a.name() != null) {
                    diags.report(Diagnostic.of(Code.S0012, a.span(), "Lambda functions take no named arguments")
                        .withHelp("write the value alone"));
                    ok = false;
                } else {
                    ok &= valid(a.value(), param, diags);
                }
            }
            return ok;
        }
        diags.report(Diagnostic.of(Code.S0012, e.span(), Args.describe(e) + " cannot appear in a Lambda body")
            .withHelp("a lambda body is arithmetic over `" + param + "`: numbers, + - * /, and functions such as exp(" + param + ")"));
        return false;
    }
}

package seq.compiler.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import seq.compiler.ast.DimExpr;
import seq.compiler.ast.Expr;
import seq.compiler.ast.ModelDecl;
import seq.compiler.ast.SeqFile;
import seq.compiler.ast.Stmt;
import seq.compiler.ast.TrainDecl;
import seq.compiler.ast.TypeExpr;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.Span;
import seq.compiler.diag.Suggest;
import seq.compiler.layers.Args;
import seq.compiler.layers.Input;
import seq.compiler.layers.Layer;
import seq.compiler.layers.LayerKind;
import seq.compiler.layers.Layers;
import seq.compiler.layers.Out;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/**
 * The shape checker: walks each model's statements, builds every layer from its arguments, and runs
 * the layer's shape rule on the types flowing into it. A statement that fails poisons only the values
 * that depend on it, so independent errors in one file are all reported.
 */
public final class Checker {
    private final Diagnostics diags;

    private Checker(Diagnostics diags) {
        this.diags = diags;
    }

    /** Checks every model and training block of a parsed file; models with errors are left out of the result. */
    public static List<CheckedModel> check(SeqFile file, Diagnostics diags) {
        return new Checker(diags).file(file);
    }

    private List<CheckedModel> file(SeqFile file) {
        Map<String, ModelDecl> byName = new LinkedHashMap<>();
        for (ModelDecl m : file.models()) {
            ModelDecl earlier = byName.putIfAbsent(m.name(), m);
            if (earlier != null) {
                diags.report(Diagnostic.of(Code.S0105, m.nameSpan(), "model `" + m.name() + "` is defined twice")
                    .withLabel(earlier.nameSpan(), "first defined here")
                    .withHelp("rename one of them"));
            }
        }
        Map<String, TrainDecl> trains = new HashMap<>();
        for (TrainDecl t : file.trains()) {
            if (!byName.containsKey(t.model())) {
                String guess = Suggest.didYouMean(t.model(), byName.keySet());
                diags.report(Diagnostic.of(Code.S0104, t.modelSpan(), "`train` names no model `" + t.model() + "`")
                    .withHelp(guess != null ? guess : byName.isEmpty() ? "define `model " + t.model() + "(...)` in this file"
                        : "the models in this file are " + String.join(", ", byName.keySet().stream().map(n -> "`" + n + "`").toList())));
            } else if (trains.putIfAbsent(t.model(), t) != null) {
                diags.report(Diagnostic.of(Code.S0105, t.modelSpan(), "model `" + t.model() + "` has two `train` blocks")
                    .withLabel(trains.get(t.model()).modelSpan(), "first here")
                    .withHelp("merge them into one"));
            }
        }
        List<CheckedModel> out = new ArrayList<>();
        for (ModelDecl m : byName.values()) {
            int before = diags.errorCount();
            CheckedModel checked = new ModelChecker(m).run(trains.get(m.name()));
            if (checked != null && diags.errorCount() == before) out.add(checked);
        }
        return out;
    }

    /** The state of checking one model: names of values, Keras layer-name counters, nodes. */
    private final class ModelChecker {
        private final ModelDecl decl;
        private final Map<String, Binding> values = new LinkedHashMap<>();
        private final Map<String, Integer> layerNames = new HashMap<>();
        private final List<Node> inputs = new ArrayList<>();
        private final List<Node> layers = new ArrayList<>();
        private final Set<Node> used = new HashSet<>();

        /** A named value; {@code node} is null when the statement defining it failed. */
        private record Binding(Node node, Span defined) {}

        ModelChecker(ModelDecl decl) {
            this.decl = decl;
        }

        CheckedModel run(TrainDecl train) {
            for (ModelDecl.Param p : decl.params()) {
                TensorType t = type(p.type(), false);
                Node n = t == null ? null : new Node(inputs.size(), p.name(), null, List.of(), new Out(t, List.of(), List.of()), p.span());
                if (n != null) inputs.add(n);
                bind(p.name(), p.nameSpan(), n);
            }
            if (decl.params().isEmpty()) {
                diags.report(Diagnostic.of(Code.S0310, decl.nameSpan(), "model `" + decl.name() + "` has no input")
                    .withHelp("declare its input with its type: `model " + decl.name() + "(x: [batch, T, 1]) { ... }`"));
                return null;
            }
            Node current = values.get(decl.params().get(0).name()).node();
            List<Node> statementValues = new ArrayList<>();
            List<Stmt> statements = new ArrayList<>();
            for (Stmt s : decl.body()) {
                // A failed statement leaves null, which silences everything that depends on it.
                Node value = statement(s.value(), current);
                if (s instanceof Stmt.Let let) bind(let.name(), let.nameSpan(), value);
                current = value;
                statementValues.add(value);
                statements.add(s);
            }
            Node output = current;
            if (output != null) used.add(output);
            warnUnused(statements, statementValues);
            if (output == null) return null;
            if (decl.result() != null) checkResult(output);
            TrainConfig config = train == null ? null : new TrainCheck(diags).check(train, output);
            return new CheckedModel(decl, inputs, layers, output, config);
        }

        private void bind(String name, Span at, Node node) {
            Binding earlier = values.get(name);
            if (earlier != null) {
                diags.report(Diagnostic.of(Code.S0103, at, "`" + name + "` is already defined")
                    .withLabel(earlier.defined(), "first defined here")
                    .withHelp("give the new value another name; values in Seq are never reassigned"));
                return;
            }
            values.put(name, new Binding(node, at));
        }

        /** The value of a statement: a layer applied to the current value, a functional application, or a name. */
        private Node statement(Expr e, Node current) {
            if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name) {
                if (current != null) used.add(current);
                Layer layer = construct(c);
                if (layer == null || current == null) return null;
                return apply(layer, List.of(current), List.of(current.span()));
            }
            return value(e);
        }

        /** A value expression: a name, or `Layer(args)(values...)`. */
        private Node value(Expr e) {
            if (e instanceof Expr.Name n) {
                Binding b = values.get(n.id());
                if (b == null) {
                    String guess = Suggest.didYouMean(n.id(), values.keySet());
                    Diagnostic d = Diagnostic.of(Code.S0102, n.span(), "`" + n.id() + "` is not defined");
                    if (Layers.byName(n.id()) != null) d = d.withHelp("`" + n.id() + "` is a layer: call it, `" + n.id() + "(...)`");
                    else if (guess != null) d = d.withHelp(guess);
                    else d = d.withHelp("define it first with `let " + n.id() + " = ...`");
                    diags.report(d);
                    return null;
                }
                if (b.node() != null) used.add(b.node());
                return b.node();
            }
            if (e instanceof Expr.Call c && c.callee() instanceof Expr.Call inner && inner.callee() instanceof Expr.Name) {
                Layer layer = construct(inner);
                List<Node> args = new ArrayList<>();
                List<Span> spans = new ArrayList<>();
                boolean ok = true;
                for (Expr.Arg a : c.args()) {
                    if (a.name() != null) {
                        markUsed(a.value());
                        diags.report(Diagnostic.of(Code.S0012, a.nameSpan(), "a layer is applied to values, not named arguments")
                            .withHelp("write the value alone: `" + Expr.show(inner) + "(" + Expr.show(a.value()) + ")`"));
                        ok = false;
                        continue;
                    }
                    if (a.value() instanceof Expr.ListLit list) {
                        markUsed(list);
                        diags.report(Diagnostic.of(Code.S0012, list.span(), "a layer is applied to values, not to a list")
                            .withHelp("list the values directly: `" + Expr.show(inner) + "("
                                + String.join(", ", list.items().stream().map(Expr::show).toList()) + ")`"));
                        ok = false;
                        continue;
                    }
                    Node v = value(a.value());
                    ok &= v != null;
                    args.add(v);
                    spans.add(a.value().span());
                }
                if (c.args().isEmpty()) {
                    diags.report(Diagnostic.of(Code.S0307, c.argsSpan(), "`" + Expr.show(inner) + "` is applied to no values")
                        .withHelp("name the values it takes, e.g. `" + Expr.show(inner) + "(x)`"));
                    return null;
                }
                if (layer == null || !ok) return null;
                return apply(layer, args, spans);
            }
            markUsed(e);
            if (e instanceof Expr.Binary || e instanceof Expr.Unary) {
                diags.report(Diagnostic.of(Code.S0012, e.span(), "arithmetic on values needs a layer, found `" + Expr.show(e) + "`")
                    .withHelp("use a Lambda layer, e.g. `Lambda(v -> v * 2)(h)`, or `Add()(a, b)` and `Multiply()(a, b)`"));
                return null;
            }
            if (e instanceof Expr.Call c && !(c.callee() instanceof Expr.Name)) {
                diags.report(Diagnostic.of(Code.S0012, c.callee().span(), "only a layer can be applied to values, found "
                        + Expr.show(c.callee()))
                    .withHelp("write a layer call such as `Dense(10)(x)`"));
                return null;
            }
            diags.report(Diagnostic.of(Code.S0012, e.span(), "expected a layer or a value name, found `" + Expr.show(e) + "`")
                .withHelp("a statement is a layer such as `Dense(10)`, an application such as `Add()(a, b)`, or a value name"));
            return null;
        }

        /** Marks every value a failed expression names as used, so its failure brings no false "never used" warnings. */
        private void markUsed(Expr e) {
            if (e instanceof Expr.Name n && values.get(n.id()) != null && values.get(n.id()).node() != null) {
                used.add(values.get(n.id()).node());
            } else if (e instanceof Expr.Call c) {
                markUsed(c.callee());
                c.args().forEach(a -> markUsed(a.value()));
            } else if (e instanceof Expr.Tuple t) {
                t.items().forEach(this::markUsed);
            } else if (e instanceof Expr.ListLit l) {
                l.items().forEach(this::markUsed);
            } else if (e instanceof Expr.Binary b) {
                markUsed(b.left());
                markUsed(b.right());
            } else if (e instanceof Expr.Unary u) {
                markUsed(u.operand());
            }
        }

        /** Builds the layer of `Name(args)` with its Keras auto-name, or returns null after reporting why not. */
        private Layer construct(Expr.Call call) {
            Expr.Name name = (Expr.Name) call.callee();
            LayerKind kind = Layers.byName(name.id());
            if (kind == null) {
                String guess = Layers.ALIASES.containsKey(name.id()) ? "use `" + Layers.ALIASES.get(name.id()) + "`"
                    : Suggest.didYouMean(name.id(), Layers.names());
                diags.report(Diagnostic.of(Code.S0101, name.span(), "unknown layer `" + name.id() + "`")
                    .withHelp(guess != null ? guess : "the layers are " + String.join(", ", Layers.names())));
                for (Expr.Arg a : call.args()) {
                    if (a.value() instanceof Expr.Call inner && inner.callee() instanceof Expr.Name) construct(inner);
                }
                return null;
            }
            Args args = Args.resolve(kind.name(), kind.params(), call.args(), call.span(), kind::badArgHelp, this::construct, diags);
            if (args == null) return null;
            int n = layerNames.merge(kind.prefix(), 1, Integer::sum);
            return new Layer(kind, n == 1 ? kind.prefix() : kind.prefix() + "_" + (n - 1), args, call.span());
        }

        private Node apply(Layer layer, List<Node> args, List<Span> spans) {
            LayerKind kind = layer.kind();
            if (args.size() < kind.minInputs() || args.size() > kind.maxInputs()) {
                String wanted = kind.minInputs() == kind.maxInputs() ? "exactly " + kind.minInputs()
                    : "at least " + kind.minInputs();
                diags.report(Diagnostic.of(Code.S0307, layer.span(), "`" + kind.name() + "` takes " + wanted + " input"
                        + (kind.maxInputs() == 1 ? "" : "s") + ", found " + args.size())
                    .withHelp(kind.maxInputs() == 1 ? "apply it to one value: `" + layer.span().text() + "(x)`"
                        : "apply it to two or more values: `" + kind.name() + "()(a, b)`"));
                return null;
            }
            List<Input> inputs = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                Node a = args.get(i);
                inputs.add(new Input(a.type(), spans.get(i), a.layer()));
            }
            Out out;
            try {
                out = kind.infer(layer, inputs, diags);
            } catch (ArithmeticException e) {
                diags.report(Diagnostic.of(Code.S0309, layer.span(), "the output shape or parameter count of `"
                        + layer.span().text() + "` does not fit in 64 bits")
                    .withHelp("no machine can hold a layer this large; use smaller sizes"));
                return null;
            }
            if (out == null) return null;
            Node node = new Node(this.inputs.size() + layers.size(), null, layer, args, out, layer.span());
            layers.add(node);
            return node;
        }

        private void warnUnused(List<Stmt> statements, List<Node> valuesOf) {
            for (int i = 0; i < statements.size(); i++) {
                Stmt s = statements.get(i);
                Node v = valuesOf.get(i);
                if (v == null || used.contains(v) || s.value() instanceof Expr.Name) continue;
                if (s instanceof Stmt.Let let) {
                    if (values.get(let.name()).node() != v) continue; // the name was rejected as a duplicate
                    diags.report(Diagnostic.of(Code.S0901, let.nameSpan(), "`" + let.name() + "` is computed but never used")
                        .withHelp("use it, or remove the statement"));
                } else {
                    diags.report(Diagnostic.of(Code.S0901, s.span(), "the value of this statement is never used")
                        .withHelp("the next statement does not read it; bind it with `let` and use it, or remove it"));
                }
            }
            for (Node in : inputs) {
                if (!used.contains(in)) {
                    diags.report(Diagnostic.of(Code.S0901, in.span(), "input `" + in.label() + "` is never used")
                        .withHelp("use it, or remove the parameter"));
                }
            }
        }

        private void checkResult(Node output) {
            TensorType declared = type(decl.result(), true);
            if (declared == null || matches(declared, output.type())) return;
            TensorType got = output.type();
            Diagnostic d = Diagnostic.of(Code.S0305, decl.result().span(), "model `" + decl.name() + "` returns " + got
                + ", but its declared type is " + declared);
            if (declared.rank() == got.rank()) {
                int axis = 0;
                while (axis < got.rank() && sizeMatches(declared.dim(axis), got.dim(axis))) axis++;
                Node at = divergence(output, axis, declared.dim(axis));
                if (at != null) {
                    Node from = at.inputs().get(0);
                    d = d.withLabel(at.span(), "here axis " + axis + " becomes `" + at.type().dim(axis) + "`"
                        + (from.type().rank() > axis ? " (it was `" + from.type().dim(axis) + "`)" : ""));
                    String fix = at.layer().kind().fixOutput(at.layer(), new Input(from.type(), from.span(), from.layer()),
                        axis, declared.dim(axis));
                    if (fix != null) d = d.withHelp(fix);
                }
            } else if (declared.elem() == got.elem() && !declared.sampleSize().hasUnknown()
                && declared.sampleSize().equals(got.sampleSize())) {
                d = d.withHelp("add `Reshape(" + String.join(", ", declared.features().stream().map(Object::toString).toList())
                    + ")` as the last statement");
            }
            if (d.help() == null) d = d.withHelp("change the layers, or declare `-> " + got + "`");
            diags.report(d);
        }

        /** The first layer on the main path to the output where axis {@code axis} stops being {@code wanted}. */
        private Node divergence(Node output, int axis, Size wanted) {
            List<Node> path = new ArrayList<>();
            for (Node n = output; n != null && !n.isInput(); n = n.inputs().get(0)) path.add(0, n);
            if (path.isEmpty()) return null;
            Node start = path.get(0).inputs().get(0);
            boolean matched = start.type().rank() > axis && start.type().dim(axis).equals(wanted);
            for (Node n : path) {
                boolean now = n.type().rank() > axis && n.type().dim(axis).equals(wanted);
                if (matched && !now) return n;
                matched = now;
            }
            return path.get(path.size() - 1);
        }

        private boolean matches(TensorType declared, TensorType got) {
            if (declared.elem() != got.elem() || declared.rank() != got.rank()) return false;
            for (int i = 0; i < got.rank(); i++) if (!sizeMatches(declared.dim(i), got.dim(i))) return false;
            return true;
        }

        /** `?` in a declared result type accepts any size. */
        private boolean sizeMatches(Size declared, Size got) {
            return declared.hasUnknown() || declared.equals(got);
        }

        /** A written type as a checked type; `?` in a result type is a wildcard, in an input a fresh unknown size. */
        private TensorType type(TypeExpr t, boolean result) {
            TensorType.Elem elem = TensorType.Elem.F32;
            if (t.elem() != null) {
                switch (t.elem()) {
                    case "f32" -> elem = TensorType.Elem.F32;
                    case "i32" -> elem = TensorType.Elem.I32;
                    default -> {
                        diags.report(Diagnostic.of(Code.S0107, t.elemSpan(), "unknown element type `" + t.elem() + "`")
                            .withHelp("use `f32` (the default) or `i32` for integer ids"));
                        return null;
                    }
                }
            }
            List<Size> dims = new ArrayList<>();
            for (DimExpr d : t.dims()) {
                Size s = size(d);
                if (s == null) return null;
                if (s.isConstant() && s.constant() < 1) {
                    diags.report(Diagnostic.of(Code.S0013, d.span(), "a size must be at least 1, found " + s)
                        .withHelp("write a positive size, a name such as `T`, or `?`"));
                    return null;
                }
                dims.add(s);
            }
            if (!result && dims.size() < 2) {
                diags.report(Diagnostic.of(Code.S0013, t.span(), "an input needs a batch axis and at least one more, found " + t.span().text())
                    .withHelp("for one feature per sample write `[batch, 1]`"));
                return null;
            }
            return new TensorType(elem, dims);
        }

        private Size size(DimExpr d) {
            try {
                return sizeOf(d);
            } catch (ArithmeticException e) {
                diags.report(Diagnostic.of(Code.S0309, d.span(), "this size does not fit in 64 bits")
                    .withHelp("use sizes that a machine can hold"));
                return null;
            }
        }

        private Size sizeOf(DimExpr d) {
            if (d instanceof DimExpr.Unknown) return Size.unknown();
            if (d instanceof DimExpr.Const c) return Size.of(c.value());
            if (d instanceof DimExpr.Sym s) return Size.sym(s.name());
            if (d instanceof DimExpr.Neg n) {
                Size s = sizeOf(n.operand());
                return s == null ? null : Size.of(0).minus(s);
            }
            if (d instanceof DimExpr.Binary b) {
                if (b.op() == '/') {
                    diags.report(Diagnostic.of(Code.S0013, b.span(), "sizes are integers; `/` alone does not say how to round")
                        .withHelp("write `floor(" + b.span().text() + ")` or `ceil(" + b.span().text() + ")`"));
                    return null;
                }
                Size l = sizeOf(b.left()), r = sizeOf(b.right());
                if (l == null || r == null) return null;
                return switch (b.op()) {
                    case '+' -> l.plus(r);
                    case '-' -> l.minus(r);
                    default -> l.times(r);
                };
            }
            DimExpr.Call c = (DimExpr.Call) d;
            boolean floor = c.fn().equals("floor");
            if ((!floor && !c.fn().equals("ceil")) || !(c.arg() instanceof DimExpr.Binary div) || div.op() != '/') {
                diags.report(Diagnostic.of(Code.S0013, c.span(), "a size may use only `floor(a / n)` and `ceil(a / n)`")
                    .withHelp("for example `floor((T - 2) / 2) + 1`"));
                return null;
            }
            Size num = sizeOf(div.left()), den = sizeOf(div.right());
            if (num == null || den == null) return null;
            if (!den.isConstant() || den.constant() < 1) {
                diags.report(Diagnostic.of(Code.S0013, div.right().span(), "a size can be divided only by a positive integer")
                    .withHelp("divide by a number such as 2"));
                return null;
            }
            return floor ? num.floorDiv(den.constant()) : num.ceilDiv(den.constant());
        }
    }
}

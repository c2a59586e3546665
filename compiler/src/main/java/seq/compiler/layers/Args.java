package seq.compiler.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import seq.compiler.ast.Expr;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.Span;
import seq.compiler.diag.Suggest;

/**
 * The arguments of one call, matched against a schema as Python matches a call: positional in schema
 * order, then keywords; every value type-checked and range-checked. Missing optional arguments take
 * their default; {@link #span} of such an argument is the call itself.
 */
public final class Args {
    private final Map<String, Value> values;
    private final Span callSpan;

    private Args(Map<String, Value> values, Span callSpan) {
        this.values = values;
        this.callSpan = callSpan;
    }

    public boolean given(String name) { return values.get(name) != null && values.get(name).span() != callSpan; }
    public Value get(String name) { return values.get(name); }
    public Span span(String name) { return values.get(name) == null ? callSpan : values.get(name).span(); }
    public long integer(String name) { return ((Value.Int) values.get(name)).value(); }
    public double number(String name) {
        Value v = values.get(name);
        return v instanceof Value.Int i ? i.value() : ((Value.Float) v).value();
    }
    public boolean bool(String name) { return ((Value.Bool) values.get(name)).value(); }
    public String string(String name) { return ((Value.Str) values.get(name)).value(); }
    public List<Long> ints(String name) { return ((Value.Ints) values.get(name)).values(); }
    public Layer layer(String name) { return ((Value.Nested) values.get(name)).layer(); }
    public Expr.Lambda lambda(String name) { return ((Value.Fn) values.get(name)).lambda(); }
    /** An optional integer: null when it is `None` or left out. */
    public Long optionalInt(String name) {
        return values.get(name) instanceof Value.Int i ? i.value() : null;
    }

    /**
     * Matches {@code args} against {@code schema}; returns null when any argument is wrong (each problem
     * reported). {@code nested} builds a layer given as an argument, such as the LSTM in
     * `Bidirectional(LSTM(12))`, or returns null after reporting why it could not.
     */
    public static Args resolve(String callee, List<Param> schema, List<Expr.Arg> args, Span callSpan,
                               BadArgHelp hint, Function<Expr.Call, Layer> nested, Diagnostics diags) {
        Map<String, Expr> given = new LinkedHashMap<>();
        boolean ok = true;
        int positional = 0;
        boolean sawKeyword = false;
        List<Expr> varargs = new ArrayList<>();
        Param dims = schema.stream().filter(p -> p.kind() == Param.Kind.DIMS).findFirst().orElse(null);
        if (dims == null && countPositional(args) > schema.size()) {
            Expr.Arg extra = args.stream().filter(a -> a.name() == null).skip(schema.size()).findFirst().orElseThrow();
            diags.report(Diagnostic.of(Code.S0205, extra.span(), "`" + callee + "` takes at most " + schema.size()
                    + " positional argument" + (schema.size() == 1 ? "" : "s") + ", found " + countPositional(args))
                .withHelp(schema.isEmpty() ? "`" + callee + "()` takes no arguments" : "its arguments are, in order, "
                    + String.join(", ", schema.stream().map(p -> "`" + p.name() + "`").toList())));
            return null;
        }
        for (Expr.Arg a : args) {
            if (a.name() == null) {
                if (sawKeyword) {
                    diags.report(Diagnostic.of(Code.S0207, a.span(), "positional argument after a keyword argument")
                        .withHelp("put positional arguments first, or name this one"));
                    ok = false;
                    continue;
                }
                if (dims != null) {
                    varargs.add(a.value());
                    continue;
                }
                given.put(schema.get(positional++).name(), a.value());
            } else {
                sawKeyword = true;
                Param p = schema.stream().filter(s -> s.name().equals(a.name())).findFirst().orElse(null);
                if (p == null) {
                    String guess = Suggest.didYouMean(a.name(), schema.stream().map(Param::name).toList());
                    diags.report(Diagnostic.of(Code.S0201, a.nameSpan(), "`" + callee + "` has no argument `" + a.name() + "`")
                        .withHelp(guess != null ? guess : schema.isEmpty() ? "`" + callee + "()` takes no arguments"
                            : "its arguments are " + String.join(", ", schema.stream().map(s -> "`" + s.name() + "`").toList())));
                    ok = false;
                } else if (given.containsKey(a.name())) {
                    diags.report(Diagnostic.of(Code.S0206, a.nameSpan(), "argument `" + a.name() + "` is given twice")
                        .withLabel(given.get(a.name()).span(), "first given here")
                        .withHelp("remove one of them"));
                    ok = false;
                } else {
                    given.put(a.name(), a.value());
                }
            }
        }
        if (dims != null && !varargs.isEmpty()) {
            Expr first = varargs.get(0);
            Span all = first.span().to(varargs.get(varargs.size() - 1).span());
            given.put(dims.name(), varargs.size() == 1 && first instanceof Expr.Tuple ? first : new Expr.Tuple(varargs, all));
        }

        if (!ok) return null;
        List<Param> missing = schema.stream().filter(p -> p.isRequired() && !given.containsKey(p.name())).toList();
        if (!missing.isEmpty()) {
            List<String> names = missing.stream().map(p -> "`" + p.name() + "`").toList();
            String help = missing.size() == 1 && missing.get(0).help() != null ? missing.get(0).help()
                : "give " + (missing.size() == 1 ? "it" : "them") + " in order or by name, e.g. `" + callee + "("
                    + String.join(", ", missing.stream().map(p -> p.name() + "=...").toList()) + ")`";
            diags.report(Diagnostic.of(Code.S0204, callSpan, "`" + callee + "` needs the argument" + (missing.size() == 1 ? " " : "s ")
                    + String.join(" and ", names))
                .withHelp(help));
            ok = false;
        }
        Map<String, Value> values = new LinkedHashMap<>();
        for (Param p : schema) {
            Expr e = given.get(p.name());
            if (e == null) {
                if (!p.isRequired()) {
                    values.put(p.name(), defaultValue(p, callSpan));
                }
                continue;
            }
            Value v = convert(callee, p, e, hint, nested, diags);
            if (v == null) ok = false; else values.put(p.name(), v);
        }
        return ok ? new Args(values, callSpan) : null;
    }

    private static long countPositional(List<Expr.Arg> args) {
        return args.stream().filter(a -> a.name() == null).count();
    }

    private static Value defaultValue(Param p, Span at) {
        Object d = p.fallback();
        if (d == null) return new Value.None(at);
        if (d instanceof Integer i) return p.kind() == Param.Kind.INTS ? new Value.Ints(List.of((long) i), at) : new Value.Int(i, at);
        if (d instanceof Long l) return new Value.Int(l, at);
        if (d instanceof Double x) return new Value.Float(x, at);
        if (d instanceof Boolean b) return new Value.Bool(b, at);
        if (d instanceof String s) return new Value.Str(s, at);
        throw new IllegalStateException("default of " + p.name() + ": " + d);
    }

    /** Help for a value of the wrong type, specific to a layer (`Dense((10, 2))` → `Dense(20)` then `Reshape(10, 2)`). */
    public interface BadArgHelp {
        String help(Param param, Expr given);
    }

    private static Value convert(String callee, Param p, Expr e, BadArgHelp hint, Function<Expr.Call, Layer> nested,
                                 Diagnostics diags) {
        Value v = switch (p.kind()) {
            case INT -> e instanceof Expr.Int i ? new Value.Int(i.value(), e.span()) : null;
            case OPTIONAL_INT -> e instanceof Expr.Int i ? new Value.Int(i.value(), e.span())
                : isNone(e) ? new Value.None(e.span()) : null;
            case FLOAT -> e instanceof Expr.Int i ? new Value.Float(i.value(), e.span())
                : e instanceof Expr.Float f ? new Value.Float(f.value(), e.span()) : null;
            case BOOL -> e instanceof Expr.Bool b ? new Value.Bool(b.value(), e.span()) : null;
            // A bare name is accepted where Keras takes a string: `activation=relu` reads the same as "relu".
            case CHOICE -> e instanceof Expr.Str s ? new Value.Str(s.value(), e.span())
                : e instanceof Expr.Name n ? new Value.Str(isNone(e) ? "None" : n.id(), e.span()) : null;
            case INTS, DIMS -> ints(e);
            case LAYER -> e instanceof Expr.Call c && c.callee() instanceof Expr.Name ? nestedLayer(c, nested) : null;
            case LAMBDA -> e instanceof Expr.Lambda l ? new Value.Fn(l, e.span()) : null;
        };
        if (v == null) {
            if (p.kind() == Param.Kind.LAYER && e instanceof Expr.Call c && c.callee() instanceof Expr.Name) return null;
            String help = hint == null ? null : hint.help(p, e);
            if (help == null && p.kind() == Param.Kind.BOOL && e instanceof Expr.Name n
                && (n.id().equals("True") || n.id().equals("False"))) {
                help = "Seq writes booleans in lower case: `" + n.id().toLowerCase() + "`";
            }
            if (help == null && p.kind() == Param.Kind.INT && e instanceof Expr.Float f && f.value() == Math.rint(f.value())) {
                help = "write it without a decimal point: `" + (long) f.value() + "`";
            }
            Diagnostic d = Diagnostic.of(Code.S0202, e.span(), "`" + p.name() + "` of `" + callee + "` expects "
                + p.kind().word() + ", found " + describe(e));
            diags.report(help == null ? d : d.withHelp(help));
            return null;
        }
        return validate(callee, p, v, diags) ? v : null;
    }

    private static Value nestedLayer(Expr.Call c, Function<Expr.Call, Layer> nested) {
        Layer inner = nested.apply(c);
        return inner == null ? null : new Value.Nested(inner, c.span());
    }

    private static boolean isNone(Expr e) {
        return e instanceof Expr.Name n && n.id().equals("None");
    }

    private static Value ints(Expr e) {
        if (e instanceof Expr.Int i) return new Value.Ints(List.of(i.value()), e.span());
        if (!(e instanceof Expr.Tuple t)) return null;
        List<Long> out = new ArrayList<>();
        for (Expr item : t.items()) {
            if (!(item instanceof Expr.Int i)) return null;
            out.add(i.value());
        }
        return new Value.Ints(out, e.span());
    }

    private static boolean validate(String callee, Param p, Value v, Diagnostics diags) {
        String problem = null;
        String shown = null;
        if (v instanceof Value.Int i) {
            problem = p.rangeError(i.value());
            shown = String.valueOf(i.value());
        } else if (v instanceof Value.Float f) {
            problem = Double.isNaN(f.value()) ? "must be a number" : p.rangeError(f.value());
            shown = String.valueOf(f.value());
        } else if (v instanceof Value.Ints list && p.kind() == Param.Kind.INTS) {
            for (long x : list.values()) {
                if (problem == null) {
                    problem = p.rangeError(x);
                    shown = String.valueOf(x);
                }
            }
            if (problem == null && list.values().size() != 1) {
                problem = "must be one integer (this is a 1D layer)";
                shown = v.span().text();
            }
        } else if (v instanceof Value.Str s && !p.choices().isEmpty() && !p.choices().contains(s.value())) {
            String guess = Suggest.didYouMean(s.value(), p.choices());
            diags.report(Diagnostic.of(Code.S0203, v.span(), "`" + p.name() + "` of `" + callee + "` cannot be `" + s.value() + "`")
                .withHelp((guess != null ? guess + " " : "") + "one of " + String.join(", ",
                    p.choices().stream().filter(c -> !c.equals("None")).map(c -> "\"" + c + "\"").toList())));
            return false;
        }
        if (problem == null) return true;
        Diagnostic d = Diagnostic.of(Code.S0203, v.span(), "`" + p.name() + "` of `" + callee + "` " + problem + ", found " + shown);
        diags.report(p.help() == null ? d : d.withHelp(p.help()));
        return false;
    }

    static String describe(Expr e) {
        String kind;
        if (e instanceof Expr.Int) kind = "the integer";
        else if (e instanceof Expr.Float) kind = "the number";
        else if (e instanceof Expr.Str) kind = "the string";
        else if (e instanceof Expr.Bool) kind = "the boolean";
        else if (e instanceof Expr.Tuple) kind = "the tuple";
        else if (e instanceof Expr.ListLit) kind = "the list";
        else if (e instanceof Expr.Lambda) kind = "the lambda";
        else if (e instanceof Expr.Call) kind = "the call";
        else if (e instanceof Expr.Name) kind = "the name";
        else kind = "the expression";
        return kind + " `" + Expr.show(e) + "`";
    }
}

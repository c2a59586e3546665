package seq.compiler.codegen.loops;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import seq.compiler.codegen.loops.Loop.Expr;
import seq.compiler.codegen.loops.Loop.Stmt;

/**
 * Renames the arrays a piece of loop code loads from and stores to; everything else is kept. The same walk
 * tells which arrays the code loads from, and which it stores to.
 */
public final class Rename {
    private final Map<String, String> names;
    private final Consumer<String> onLoad, onStore;

    private Rename(Map<String, String> names, Consumer<String> onLoad, Consumer<String> onStore) {
        this.names = names;
        this.onLoad = onLoad;
        this.onStore = onStore;
    }

    public static List<Stmt> arrays(List<Stmt> body, Map<String, String> names) {
        return new Rename(names, a -> { }, a -> { }).block(body);
    }

    /** The arrays {@code body} stores to, or passes to a kernel it calls (which may store to them). */
    public static Set<String> stored(List<Stmt> body) {
        Set<String> seen = new TreeSet<>();
        new Rename(Map.of(), a -> { }, seen::add).block(body);
        return seen;
    }

    /** The arrays {@code body} loads from: what it reads, as against what it only stores to. */
    public static Set<String> loaded(List<Stmt> body) {
        Set<String> seen = new TreeSet<>();
        new Rename(Map.of(), seen::add, a -> { }).block(body);
        return seen;
    }

    private List<Stmt> block(List<Stmt> body) {
        return body.stream().map(this::stmt).toList();
    }

    private String name(String array) {
        return names.getOrDefault(array, array);
    }

    private Stmt stmt(Stmt s) {
        if (s instanceof Loop.For f) return new Loop.For(f.var(), expr(f.lo()), expr(f.hi()), block(f.body()));
        if (s instanceof Loop.Let l) return new Loop.Let(l.var(), l.type(), expr(l.init()));
        if (s instanceof Loop.Set st) return new Loop.Set(st.var(), expr(st.value()));
        if (s instanceof Loop.Store st) {
            onStore.accept(st.array());
            return new Loop.Store(name(st.array()), expr(st.index()), expr(st.value()));
        }
        if (s instanceof Loop.If f) return new Loop.If(expr(f.cond()), block(f.then()), block(f.otherwise()));
        if (s instanceof Loop.Return r) return new Loop.Return(expr(r.value()));
        Loop.Call c = (Loop.Call) s;
        for (Expr a : c.args()) if (a instanceof Loop.Var v) onStore.accept(v.name());
        return new Loop.Call(c.kernel(), c.args().stream().map(this::expr).toList());
    }

    private Expr expr(Expr e) {
        if (e instanceof Loop.Var v && names.containsKey(v.name())) throw new IllegalArgumentException("array `" + v.name() + "` used as a value");
        if (e instanceof Loop.Load l) {
            onLoad.accept(l.array());
            return new Loop.Load(name(l.array()), expr(l.index()));
        }
        if (e instanceof Loop.Bin b) return new Loop.Bin(b.op(), expr(b.a()), expr(b.b()));
        if (e instanceof Loop.Neg g) return new Loop.Neg(expr(g.a()));
        if (e instanceof Loop.Fn f) return new Loop.Fn(f.name(), f.args().stream().map(this::expr).toList());
        if (e instanceof Loop.Cmp c) return new Loop.Cmp(c.op(), expr(c.a()), expr(c.b()));
        if (e instanceof Loop.And a) return new Loop.And(expr(a.a()), expr(a.b()));
        if (e instanceof Loop.Select s) return new Loop.Select(expr(s.cond()), expr(s.a()), expr(s.b()));
        if (e instanceof Loop.ToReal t) return new Loop.ToReal(expr(t.a()));
        if (e instanceof Loop.ToInt t) return new Loop.ToInt(expr(t.a()));
        return e;
    }
}

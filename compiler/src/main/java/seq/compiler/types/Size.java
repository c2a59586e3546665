package seq.compiler.types;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An immutable symbolic tensor size, kept in a normal form so that provably equal sizes are equal.
 *
 * <p>The normal form is a polynomial with integer coefficients over monomials; a monomial is a
 * sorted product of atoms, and an atom is a named symbol, an unknown ({@code ?}) or an opaque
 * floor/ceil division of a normalised size by a constant. All arithmetic is exact: overflow
 * throws {@link ArithmeticException}.
 */
public final class Size {
    private sealed interface Atom permits Sym, Unknown, Div {}

    private record Sym(String name) implements Atom {}

    private record Unknown(long id) implements Atom {}

    /** floor(num / d) or ceil(num / d); num is already reduced (see {@link #div}). */
    private record Div(Size num, long d, boolean ceil) implements Atom {}

    private record Mono(List<Atom> atoms) {
        static final Mono ONE = new Mono(List.of());

        Mono times(Mono o) {
            List<Atom> all = new ArrayList<>(atoms);
            all.addAll(o.atoms);
            all.sort(Size::compareAtoms);
            return new Mono(List.copyOf(all));
        }
    }

    private static final AtomicLong UNKNOWNS = new AtomicLong();
    private static final Size ZERO = new Size(newTerms());

    /** Monomial to coefficient; never holds a zero coefficient and is never mutated once built. */
    private final TreeMap<Mono, Long> terms;

    private Size(TreeMap<Mono, Long> terms) { this.terms = terms; }

    public static Size of(long n) { return n == 0 ? ZERO : term(Mono.ONE, n); }

    public static Size sym(String name) { return atom(new Sym(Objects.requireNonNull(name))); }

    /** A fresh unknown size, equal only to itself. */
    public static Size unknown() { return atom(new Unknown(UNKNOWNS.incrementAndGet())); }

    public Size plus(Size o) {
        TreeMap<Mono, Long> t = new TreeMap<>(terms);
        o.terms.forEach((m, c) -> add(t, m, c));
        return new Size(t);
    }

    public Size minus(Size o) { return plus(o.times(-1)); }

    public Size times(Size o) {
        TreeMap<Mono, Long> t = newTerms();
        for (var x : terms.entrySet())
            for (var y : o.terms.entrySet())
                add(t, x.getKey().times(y.getKey()), Math.multiplyExact(x.getValue(), y.getValue()));
        return new Size(t);
    }

    public Size plus(long n) { return plus(of(n)); }

    public Size minus(long n) { return plus(of(Math.negateExact(n))); }

    public Size times(long n) { return times(of(n)); }

    public Size floorDiv(long d) { return div(d, false); }

    public Size ceilDiv(long d) { return div(d, true); }

    /** The quotient when every coefficient and the constant are divisible by {@code d}. */
    public Optional<Size> exactDiv(long d) {
        checkDivisor(d);
        TreeMap<Mono, Long> t = newTerms();
        for (var e : terms.entrySet()) {
            if (e.getValue() % d != 0) return Optional.empty();
            t.put(e.getKey(), e.getValue() / d);
        }
        return Optional.of(new Size(t));
    }

    public boolean isConstant() { return terms.isEmpty() || terms.size() == 1 && terms.containsKey(Mono.ONE); }

    public OptionalLong constantValue() {
        return isConstant() ? OptionalLong.of(terms.getOrDefault(Mono.ONE, 0L)) : OptionalLong.empty();
    }

    public long constant() {
        return constantValue().orElseThrow(() -> new IllegalStateException("not a constant size: " + this));
    }

    public boolean hasUnknown() { return atoms().anyMatch(a -> a instanceof Unknown); }

    /** The names of the symbols appearing anywhere in this size, sorted. */
    public Set<String> symbols() {
        return atoms().filter(a -> a instanceof Sym).map(a -> ((Sym) a).name())
                .collect(Collectors.collectingAndThen(Collectors.toCollection(TreeSet::new),
                        Collections::unmodifiableSortedSet));
    }

    /** The value of this size given values for its symbols; divisions round mathematically. */
    public long evaluate(Map<String, Long> env) {
        long sum = 0;
        for (var e : terms.entrySet()) {
            long p = e.getValue();
            for (Atom a : e.getKey().atoms()) p = Math.multiplyExact(p, value(a, env));
            sum = Math.addExact(sum, p);
        }
        return sum;
    }

    /** How code generators take a size apart: one case per kind of atom and operation. */
    public interface Folder<T> {
        T constant(long c);
        T symbol(String name);
        T unknown(long id);
        T add(T a, T b);
        T mul(T a, T b);
        T div(T numerator, long d, boolean ceil);
    }

    /** Rebuilds this size bottom-up with {@code f}: a sum of coefficient × product-of-atoms terms. */
    public <T> T fold(Folder<T> f) {
        T sum = null;
        for (var e : terms.entrySet()) {
            long c = e.getValue();
            T term = c == 1 && !e.getKey().atoms().isEmpty() ? null : f.constant(c);
            for (Atom a : e.getKey().atoms()) {
                T atom = a instanceof Sym sy ? f.symbol(sy.name()) : a instanceof Unknown u ? f.unknown(u.id())
                    : f.div(((Div) a).num().fold(f), ((Div) a).d(), ((Div) a).ceil());
                term = term == null ? atom : f.mul(term, atom);
            }
            sum = sum == null ? term : f.add(sum, term);
        }
        return sum == null ? f.constant(0) : sum;
    }

    @Override public boolean equals(Object o) { return o instanceof Size s && terms.equals(s.terms); }

    @Override public int hashCode() { return terms.hashCode(); }

    @Override public String toString() {
        if (terms.isEmpty()) return "0";
        StringBuilder sb = new StringBuilder();
        for (var e : terms.entrySet()) {
            long c = e.getValue();
            if (sb.length() > 0) sb.append(c < 0 ? " - " : " + ");
            else if (c < 0) sb.append('-');
            String magnitude = Long.toString(c).replace("-", ""); // safe for Long.MIN_VALUE
            List<Atom> atoms = e.getKey().atoms();
            if (atoms.isEmpty()) { sb.append(magnitude); continue; }
            if (!magnitude.equals("1")) sb.append(magnitude).append(" * ");
            sb.append(atoms.stream().map(Size::atomString).collect(Collectors.joining(" * ")));
        }
        return sb.toString();
    }

    // ---- division normalisation ----

    private Size div(long d, boolean ceil) {
        checkDivisor(d);
        if (d == 1) return this;
        // Every coefficient c = q*d + r with r in [0, d): the q parts leave the division exactly
        // because monomials are integer-valued, so the remainder is unique for equal inputs.
        TreeMap<Mono, Long> q = newTerms(), r = newTerms();
        terms.forEach((m, c) -> {
            add(q, m, Math.floorDiv(c, d));
            add(r, m, Math.floorMod(c, d));
        });
        Size quot = new Size(q), rem = new Size(r);
        long r0 = rem.terms.getOrDefault(Mono.ONE, 0L);
        if (rem.isConstant()) return ceil && r0 > 0 ? quot.plus(1) : quot;

        Size variable = rem.minus(r0);
        long g = d;
        for (long c : variable.terms.values()) g = gcd(g, c);
        if (g > 1) {
            // floor((g*y + r0) / (g*e)) = floor(floor((g*y + r0) / g) / e) = floor((y + floor(r0/g)) / e)
            long c0 = ceil ? -Math.floorDiv(-r0, g) : Math.floorDiv(r0, g);
            return quot.plus(variable.exactDiv(g).orElseThrow().plus(c0).div(d / g, ceil));
        }
        List<Div> nested = rem.terms.entrySet().stream()
                .filter(e -> e.getValue() == 1 && e.getKey().atoms().size() == 1
                        && e.getKey().atoms().get(0) instanceof Div inner && inner.ceil() == ceil)
                .map(e -> (Div) e.getKey().atoms().get(0)).toList();
        if (nested.size() == 1) {
            // floor((floor(a/b) + P) / d) = floor((a + b*P) / (b*d)) for integer-valued P; likewise ceil
            Div inner = nested.get(0);
            Size a = inner.num().plus(rem.minus(atom(inner)).times(inner.d()));
            return quot.plus(a.div(Math.multiplyExact(inner.d(), d), ceil));
        }
        return quot.plus(atom(new Div(rem, d, ceil)));
    }

    // ---- helpers ----

    private static TreeMap<Mono, Long> newTerms() { return new TreeMap<>(Size::compareMonos); }

    private static Size atom(Atom a) { return term(new Mono(List.of(a)), 1); }

    private static Size term(Mono m, long c) {
        TreeMap<Mono, Long> t = newTerms();
        t.put(m, c);
        return new Size(t);
    }

    private static void add(TreeMap<Mono, Long> t, Mono m, long c) {
        long v = Math.addExact(t.getOrDefault(m, 0L), c);
        if (v == 0) t.remove(m);
        else t.put(m, v);
    }

    private static void checkDivisor(long d) {
        if (d < 1) throw new IllegalArgumentException("divisor must be at least 1, got " + d);
    }

    private static long gcd(long a, long b) { return b == 0 ? Math.abs(a) : gcd(b, a % b); }

    /** Every atom, including those inside division numerators. */
    private Stream<Atom> atoms() {
        return terms.keySet().stream().flatMap(m -> m.atoms().stream())
                .flatMap(a -> a instanceof Div dv ? Stream.concat(Stream.of(a), dv.num().atoms()) : Stream.of(a));
    }

    private static long value(Atom a, Map<String, Long> env) {
        if (a instanceof Sym s) {
            Long v = env.get(s.name());
            if (v == null) throw new IllegalArgumentException("no value for size symbol " + s.name());
            return v;
        }
        if (a instanceof Div dv) {
            long n = dv.num().evaluate(env);
            return dv.ceil() ? -Math.floorDiv(Math.negateExact(n), dv.d()) : Math.floorDiv(n, dv.d());
        }
        throw new IllegalArgumentException("cannot evaluate an unknown size");
    }

    private static String atomString(Atom a) {
        if (a instanceof Sym s) return s.name();
        if (a instanceof Unknown) return "?";
        Div dv = (Div) a;
        String num = dv.num().toString();
        boolean bare = dv.num().terms.size() == 1 && dv.num().terms.firstEntry().getValue() == 1;
        return (dv.ceil() ? "ceil(" : "floor(") + (bare ? num : "(" + num + ")") + " / " + dv.d() + ")";
    }

    // ---- canonical order: symbols (case-insensitive alphabetical), then unknowns, then divisions ----

    private static int rank(Atom a) { return a instanceof Sym ? 0 : a instanceof Unknown ? 1 : 2; }

    private static int compareAtoms(Atom a, Atom b) {
        int c = Integer.compare(rank(a), rank(b));
        if (c != 0) return c;
        if (a instanceof Sym x && b instanceof Sym y) {
            c = String.CASE_INSENSITIVE_ORDER.compare(x.name(), y.name());
            return c != 0 ? c : x.name().compareTo(y.name());
        }
        if (a instanceof Unknown x && b instanceof Unknown y) return Long.compare(x.id(), y.id());
        Div x = (Div) a, y = (Div) b;
        c = compareSizes(x.num(), y.num());
        if (c == 0) c = Long.compare(x.d(), y.d());
        return c != 0 ? c : Boolean.compare(x.ceil(), y.ceil());
    }

    /** Higher degree first, then atom by atom; so the constant comes last. */
    private static int compareMonos(Mono a, Mono b) {
        int c = Integer.compare(b.atoms().size(), a.atoms().size());
        for (int i = 0; c == 0 && i < a.atoms().size(); i++) c = compareAtoms(a.atoms().get(i), b.atoms().get(i));
        return c;
    }

    private static int compareSizes(Size a, Size b) {
        Iterator<Map.Entry<Mono, Long>> i = a.terms.entrySet().iterator(), j = b.terms.entrySet().iterator();
        while (i.hasNext() && j.hasNext()) {
            var x = i.next();
            var y = j.next();
            int c = compareMonos(x.getKey(), y.getKey());
            if (c == 0) c = Long.compare(x.getValue(), y.getValue());
            if (c != 0) return c;
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }
}

package seq.compiler.ir;

/** Where the gradient of each value lives during differentiation; null for values that need none. */
public interface Grads {
    Value of(Value v);

    /**
     * Whether one op alone reads {@code v} (or its buffer under another name), so that its gradient, once that
     * op's rule has added into it, holds that op's contribution and nothing else: a rule may then build on it.
     */
    boolean soleUse(Value v);

    /**
     * A new buffer for partial results that one backward op writes whole and the next reads (a gradient's
     * partial sums): never zeroed, and not a gradient of anything.
     */
    Value scratch(String name, java.util.List<seq.compiler.types.Size> shape);

    /**
     * {@code v}'s gradient in {@code v}'s own buffer instead of a new one (null where v needs none), for a rule
     * whose one op stores that gradient whole, each element only after that op's last read of v's buffer there,
     * and no other backward op reads v's buffer: a recurrence's input rows, which only its forward loop reads,
     * and the gates that loop keeps in them, which its backward loop reads a step at a time before storing the
     * step's gradient over them. Never zeroed. Asked for before anything else asks for v's gradient.
     */
    Value inPlace(Value v);
}

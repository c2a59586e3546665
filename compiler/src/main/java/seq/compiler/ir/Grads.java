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
     * Says that an op of the rule stores every element of gradient {@code v} (a recurrence's backward loop, its
     * input product's gradient): if no other op writes it, the pass need not zero it first.
     */
    void storedWhole(Value v);
}

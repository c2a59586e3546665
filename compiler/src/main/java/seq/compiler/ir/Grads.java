package seq.compiler.ir;

/** Where the gradient of each value lives during differentiation; null for values that need none. */
public interface Grads {
    Value of(Value v);
}

package seq.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;
import seq.compiler.types.Size;

/**
 * A tensor of the IR: one flat array at run time, in C order. Sizes stay symbolic here and are
 * bound from the data when a batch arrives, so one trainer serves any batch size and length.
 */
public record Value(int id, String name, List<Size> shape, Role role, Value aliasOf) {
    /**
     * What a buffer is for. NOISE buffers are filled by the runtime before each pass: Dropout's scaled keep-mask, or
     * ones for inference. SAVED buffers hold what one op writes whole for a later op (a recurrence's states for its
     * backward pass, a gradient's partial sums); never zeroed. SLOT buffers hold the optimizer's state for a weight
     * (velocity, or Adam's moments); they persist across batches.
     */
    public enum Role { INPUT, TARGET, WEIGHT, ACTIVATION, LOSS, GRADIENT, SAVED, NOISE, SLOT }

    public Value {
        shape = List.copyOf(shape);
    }

    /** The value whose buffer this one shares (a Reshape's output reads its input's memory), or itself. */
    public Value storage() {
        return aliasOf == null ? this : aliasOf.storage();
    }

    /** Elements in the whole tensor. */
    public Size size() {
        Size n = Size.of(1);
        for (Size s : shape) n = n.times(s);
        return n;
    }

    public Size last() { return shape.get(shape.size() - 1); }

    /** Elements before the last axis: the rows of a matrix view. */
    public Size rows() {
        Size n = Size.of(1);
        for (Size s : shape.subList(0, shape.size() - 1)) n = n.times(s);
        return n;
    }

    @Override public String toString() {
        return "%" + name + shape.stream().map(Size::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}

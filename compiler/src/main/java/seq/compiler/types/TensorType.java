package seq.compiler.types;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The static type of a value: element type and dimensions, the first being the batch. */
public record TensorType(Elem elem, List<Size> dims) {
    public enum Elem {
        F32, I32;

        public String word() { return name().toLowerCase(); }
    }

    public TensorType {
        dims = List.copyOf(dims);
    }

    public static TensorType f32(List<Size> dims) { return new TensorType(Elem.F32, dims); }

    public int rank() { return dims.size(); }
    public Size dim(int i) { return dims.get(i); }
    public Size batch() { return dims.get(0); }
    public Size last() { return dims.get(dims.size() - 1); }

    /** Every dimension but the batch. */
    public List<Size> features() { return dims.subList(1, dims.size()); }

    public TensorType withDims(List<Size> newDims) { return new TensorType(elem, newDims); }

    public TensorType withLast(Size size) {
        List<Size> d = new ArrayList<>(dims);
        d.set(d.size() - 1, size);
        return withDims(d);
    }

    /** The number of elements per sample: the product of every dimension but the batch. */
    public Size sampleSize() {
        Size n = Size.of(1);
        for (Size s : features()) n = n.times(s);
        return n;
    }

    /** As Seq writes it: `[batch, T - 4, 1]`, with an `i32` prefix for integer tensors. */
    @Override public String toString() {
        return (elem == Elem.F32 ? "" : elem.word()) + dims.stream().map(Size::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** As Keras prints it in a summary: `(batch, 40, 12)`, with `None` for an unnamed size. */
    public String keras() {
        return dims.stream().map(TensorType::kerasDim).collect(Collectors.joining(", ", "(", dims.size() == 1 ? ",)" : ")"));
    }

    public static String kerasDim(Size s) {
        return s.hasUnknown() ? "None" : s.toString();
    }
}

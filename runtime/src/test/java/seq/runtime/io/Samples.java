package seq.runtime.io;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import seq.runtime.io.NdArray.DType;

/** Deterministic test arrays of every dtype and rank 0..4, empty dimensions included. */
final class Samples {
    static final List<long[]> SHAPES = List.of(
            new long[] {}, new long[] {0}, new long[] {5}, new long[] {2, 3}, new long[] {0, 3}, new long[] {3, 0},
            new long[] {2, 0, 4}, new long[] {2, 3, 4}, new long[] {1, 2, 3, 2}, new long[] {2, 1, 0, 3});

    private Samples() {}

    /** Every (dtype, shape) pair, for parameterized tests. */
    static Stream<Arguments> dtypesAndShapes() {
        return Arrays.stream(DType.values())
                .flatMap(t -> SHAPES.stream().map(s -> Arguments.of(t, NdArray.shapeString(s), s)));
    }

    static NdArray sample(DType dtype, long... shape) {
        int n = (int) NdArray.elementCount(shape);
        return switch (dtype) {
            case F32 -> { float[] d = new float[n]; for (int i = 0; i < n; i++) d[i] = (i - 7) * 0.25f; yield NdArray.ofFloats(shape, d); }
            case F64 -> { double[] d = new double[n]; for (int i = 0; i < n; i++) d[i] = (i - 7) / 3.0; yield NdArray.ofDoubles(shape, d); }
            case I32 -> { int[] d = new int[n]; for (int i = 0; i < n; i++) d[i] = i * 1_000_003 - 5; yield NdArray.ofInts(shape, d); }
            case I64 -> { long[] d = new long[n]; for (int i = 0; i < n; i++) d[i] = i * 3_000_000_019L - 7; yield NdArray.ofLongs(shape, d); }
        };
    }

    /** Values whose bits are easy to mangle: NaN, -0.0, infinities, extremes. */
    static List<NdArray> extremes() {
        return List.of(
                NdArray.ofFloats(new long[] {6}, new float[] {Float.NaN, -0.0f, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE}),
                NdArray.ofDoubles(new long[] {6}, new double[] {Double.NaN, -0.0, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE}),
                NdArray.ofInts(new long[] {3}, new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE}),
                NdArray.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
    }
}

package seq.runtime.io;

import java.util.Arrays;

/**
 * An immutable n-dimensional array of one primitive element type, stored flat in C (row-major)
 * order. The data array is never exposed: accessors return fresh copies.
 */
public final class NdArray {
    /** Element types, named as in SafeTensors. */
    public enum DType {
        F32(4, "float32"), F64(8, "float64"), I32(4, "int32"), I64(8, "int64");

        private final int itemSize;
        private final String numpyName;

        DType(int itemSize, String numpyName) {
            this.itemSize = itemSize;
            this.numpyName = numpyName;
        }

        /** Bytes per element. */
        public int itemSize() {
            return itemSize;
        }

        public boolean isInteger() {
            return this == I32 || this == I64;
        }

        /** NumPy's name for this type, e.g. "float32". */
        public String numpyName() {
            return numpyName;
        }
    }

    /** The most elements one array can hold (the usual JVM limit on array length). */
    public static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private final DType dtype;
    private final long[] shape;
    private final Object data; // float[], double[], int[] or long[], matching dtype

    /** Trusted constructor for readers: takes ownership of shape and data without copying. */
    NdArray(DType dtype, long[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    public static NdArray ofFloats(long[] shape, float[] data) {
        return checked(DType.F32, shape, data.clone(), data.length);
    }

    public static NdArray ofDoubles(long[] shape, double[] data) {
        return checked(DType.F64, shape, data.clone(), data.length);
    }

    public static NdArray ofInts(long[] shape, int[] data) {
        return checked(DType.I32, shape, data.clone(), data.length);
    }

    public static NdArray ofLongs(long[] shape, long[] data) {
        return checked(DType.I64, shape, data.clone(), data.length);
    }

    private static NdArray checked(DType dtype, long[] shape, Object data, int length) {
        long[] s = shape.clone();
        long n = elementCount(s);
        if (n != length) {
            throw new IllegalArgumentException(
                    "shape " + shapeString(s) + " holds " + n + " elements but " + length + " values were given");
        }
        return new NdArray(dtype, s, data);
    }

    /** The product of the dimensions, or Long.MAX_VALUE if it overflows. */
    static long elementCount(long[] shape) {
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + shapeString(shape));
        }
        for (long d : shape) if (d == 0) return 0;
        long n = 1;
        for (long d : shape) {
            if (n > Long.MAX_VALUE / d) return Long.MAX_VALUE;
            n *= d;
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The size of one axis; same as shape()[axis] without the copy. */
    public long dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    /** The number of elements (always at most {@link #MAX_SIZE}, so an int). */
    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** The raw data array, for readers and writers in this package; callers must not modify it. */
    Object data() {
        return data;
    }

    /** The elements as a new float[], converting from any dtype. */
    public float[] floats() {
        int n = size();
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> System.arraycopy(data, 0, out, 0, n);
            case F64 -> { double[] d = (double[]) data; for (int i = 0; i < n; i++) out[i] = (float) d[i]; }
            case I32 -> { int[] d = (int[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case I64 -> { long[] d = (long[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
        }
        return out;
    }

    /** The elements as a new double[], converting from any dtype. */
    public double[] doubles() {
        int n = size();
        double[] out = new double[n];
        switch (dtype) {
            case F32 -> { float[] d = (float[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case F64 -> System.arraycopy(data, 0, out, 0, n);
            case I32 -> { int[] d = (int[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case I64 -> { long[] d = (long[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
        }
        return out;
    }

    /**
     * The elements as a new int[]; only for integer dtypes.
     *
     * @throws IllegalStateException for float dtypes, or an int64 value outside the int range
     */
    public int[] ints() {
        requireInteger("ints");
        if (dtype == DType.I32) return ((int[]) data).clone();
        long[] d = (long[]) data;
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if ((int) d[i] != d[i]) {
                throw new IllegalStateException("int64 value " + d[i] + " at flat index " + i + " does not fit in an int");
            }
            out[i] = (int) d[i];
        }
        return out;
    }

    /** The elements as a new long[]; only for integer dtypes (IllegalStateException otherwise). */
    public long[] longs() {
        requireInteger("longs");
        if (dtype == DType.I64) return ((long[]) data).clone();
        int[] d = (int[]) data;
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) out[i] = d[i];
        return out;
    }

    private void requireInteger(String accessor) {
        if (!dtype.isInteger()) {
            throw new IllegalStateException(accessor + "() needs an integer array, this one is " + dtype.numpyName());
        }
    }

    /** The shape as NumPy prints it: "(32, 40, 2)", "(5,)", "()". */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        // deepEquals/deepHashCode compare primitive arrays of any element type by content.
        return o instanceof NdArray a && dtype == a.dtype && Arrays.equals(shape, a.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {a.data});
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
    }

    @Override
    public String toString() {
        return "NdArray(" + dtype.numpyName() + ", " + shapeString() + ")";
    }
}

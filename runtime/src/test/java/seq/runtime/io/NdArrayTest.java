package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import seq.runtime.io.NdArray.DType;

class NdArrayTest {
    @Test
    void factoriesCheckTheSizeAgainstTheShape() {
        assertThrows(IllegalArgumentException.class, () -> NdArray.ofFloats(new long[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> NdArray.ofInts(new long[] {}, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> NdArray.ofLongs(new long[] {-1}, new long[0]));
        assertEquals(0, NdArray.ofDoubles(new long[] {4, 0}, new double[0]).size());
        assertEquals(1, NdArray.ofDoubles(new long[] {}, new double[] {2}).size());
    }

    @Test
    void accessors() {
        NdArray a = NdArray.ofInts(new long[] {2, 3}, new int[] {1, 2, 3, 4, 5, -6});
        assertEquals(DType.I32, a.dtype());
        assertEquals(2, a.rank());
        assertEquals(6, a.size());
        assertEquals(3, a.dim(1));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6}, a.floats());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, -6}, a.doubles());
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, -6}, a.longs());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, -6}, a.ints());
        assertArrayEquals(new float[] {0.5f, 1e10f}, NdArray.ofDoubles(new long[] {2}, new double[] {0.5, 1e10}).floats());
        assertArrayEquals(new int[] {-3}, NdArray.ofLongs(new long[] {1}, new long[] {-3}).ints());
    }

    @Test
    void integerAccessorsRejectFloatsAndOverflow() {
        NdArray f = NdArray.ofFloats(new long[] {1}, new float[] {1});
        assertThrows(IllegalStateException.class, f::ints);
        assertThrows(IllegalStateException.class, f::longs);
        assertThrows(IllegalStateException.class, NdArray.ofDoubles(new long[] {1}, new double[] {1})::longs);
        assertThrows(IllegalStateException.class, NdArray.ofLongs(new long[] {1}, new long[] {1L << 40})::ints);
    }

    @Test
    void isImmutable() {
        long[] shape = {2};
        float[] data = {1, 2};
        NdArray a = NdArray.ofFloats(shape, data);
        shape[0] = 7;
        data[0] = 9;
        a.shape()[0] = 5;
        a.floats()[1] = 5;
        assertArrayEquals(new long[] {2}, a.shape());
        assertArrayEquals(new float[] {1, 2}, a.floats());
        long[] longs = {1};
        NdArray l = NdArray.ofLongs(new long[] {1}, longs);
        l.longs()[0] = 3;
        assertArrayEquals(new long[] {1}, l.longs());
    }

    @Test
    void shapeStringIsNumpyStyle() {
        assertEquals("(32, 40, 2)", NdArray.ofFloats(new long[] {32, 40, 2}, new float[2560]).shapeString());
        assertEquals("(5,)", NdArray.ofFloats(new long[] {5}, new float[5]).shapeString());
        assertEquals("()", NdArray.ofFloats(new long[] {}, new float[1]).shapeString());
        assertEquals("NdArray(int64, (0,))", NdArray.ofLongs(new long[] {0}, new long[0]).toString());
    }

    @Test
    void equalityIsByDtypeShapeAndContent() {
        NdArray a = NdArray.ofFloats(new long[] {2}, new float[] {1, Float.NaN});
        assertEquals(a, NdArray.ofFloats(new long[] {2}, new float[] {1, Float.NaN}));
        assertEquals(a.hashCode(), NdArray.ofFloats(new long[] {2}, new float[] {1, Float.NaN}).hashCode());
        assertNotEquals(a, NdArray.ofFloats(new long[] {1, 2}, new float[] {1, Float.NaN}));
        assertNotEquals(a, NdArray.ofFloats(new long[] {2}, new float[] {1, 2}));
        assertNotEquals(a, NdArray.ofDoubles(new long[] {2}, new double[] {1, Double.NaN}));
        assertNotEquals(NdArray.ofInts(new long[] {1}, new int[] {1}), NdArray.ofLongs(new long[] {1}, new long[] {1}));
    }
}

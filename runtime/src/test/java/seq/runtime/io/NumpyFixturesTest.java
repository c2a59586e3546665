package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static seq.runtime.io.NpyTest.assertError;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads files written by real NumPy (runtime/fixtures/make_npy_fixtures.py); the values mirror that script. */
class NumpyFixturesTest {
    static Path fixture(String name) {
        try {
            return Path.of(NumpyFixturesTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** np.arange(12).reshape(3, 4) * 0.5 as float32. */
    static NdArray grid() {
        float[] d = new float[12];
        for (int i = 0; i < 12; i++) d[i] = i * 0.5f;
        return NdArray.ofFloats(new long[] {3, 4}, d);
    }

    @Test
    void readsEveryDtypeAndLayout() {
        float[] iota = new float[24];
        for (int i = 0; i < 24; i++) iota[i] = i;
        Map<String, NdArray> expected = Map.of(
                "f32_c.npy", grid(),
                "f32_be.npy", grid(),
                "v2.npy", grid(),
                "v3.npy", grid(),
                "f32_fortran.npy", NdArray.ofFloats(new long[] {2, 3, 4}, iota),
                "f64.npy", NdArray.ofDoubles(new long[] {2, 3}, new double[] {-1, -0.75, -0.5, -0.25, 0, 0.25}),
                "i32.npy", NdArray.ofInts(new long[] {6}, new int[] {-3, -2, -1, 0, 1, 2}),
                "i64.npy", NdArray.ofLongs(new long[] {1, 3}, new long[] {-(1L << 40), 0, (1L << 40) + 7}),
                "i64_be_fortran.npy", NdArray.ofLongs(new long[] {2, 3}, new long[] {0, 1, 2, 3, 4, 5}),
                "scalar.npy", NdArray.ofDoubles(new long[] {}, new double[] {3.25}));
        expected.forEach((name, array) -> assertEquals(array, Npy.read(fixture(name)), name));
        assertEquals(NdArray.ofFloats(new long[] {0, 3}, new float[0]), Npy.read(fixture("empty.npy")));
    }

    @Test
    void reportsNumpysUnsupportedDtypes() {
        for (List<String> c : List.of(List.of("str", "'<U2' (strings)"), List.of("bool", "'|b1' (bool)"),
                List.of("f16", "'<f2' (float16)"), List.of("c128", "'<c16' (complex128)"))) {
            Path file = fixture("unsupported_" + c.get(0) + ".npy");
            assertError(() -> Npy.read(file), file + ": unsupported dtype " + c.get(1),
                    "save the array as float32, float64, int32 or int64");
        }
    }

    @Test
    void readsSavezAndSavezCompressedInEntryOrder() {
        NdArray y = NdArray.ofLongs(new long[] {3}, new long[] {0, 1, 2});
        for (String name : List.of("savez.npz", "savez_compressed.npz")) {
            Map<String, NdArray> arrays = Npz.read(fixture(name));
            assertEquals(List.of("x", "y"), List.copyOf(arrays.keySet()), name);
            assertEquals(grid(), arrays.get("x"), name);
            assertEquals(y, arrays.get("y"), name);
        }
    }

    @Test
    void namesTheBadEntryOfAnArchive() {
        Path file = fixture("savez_bad_entry.npz");
        assertError(() -> Npz.read(file), file + " entry 's.npy': unsupported dtype '<U2' (strings)", "float32");
    }
}

package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static seq.runtime.io.NpyTest.assertError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import seq.runtime.io.NdArray.DType;

class NpzTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeAndShapeInOrder() {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            for (long[] shape : Samples.SHAPES) arrays.put(t + NdArray.shapeString(shape), Samples.sample(t, shape));
        }
        arrays.put("z_first_in_name_but_last", Samples.sample(DType.F32, 2));
        Path file = dir.resolve("all.npz");
        Npz.write(file, arrays);
        Map<String, NdArray> back = Npz.read(file);
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(back.keySet()));
        assertEquals(arrays, back);
    }

    @Test
    void writesReproducibleBytesAndEmptyArchives() throws IOException {
        Map<String, NdArray> arrays = Map.of("x", Samples.sample(DType.I64, 2, 2));
        Npz.write(dir.resolve("a.npz"), arrays);
        Npz.write(dir.resolve("b.npz"), arrays);
        assertEquals(-1, Files.mismatch(dir.resolve("a.npz"), dir.resolve("b.npz")));
        Npz.write(dir.resolve("empty.npz"), Map.of());
        assertEquals(Map.of(), Npz.read(dir.resolve("empty.npz")));
    }

    @Test
    void rejectsFilesThatAreNotZipArchives() throws IOException {
        Path text = Files.writeString(dir.resolve("text.npz"), "hello");
        assertError(() -> Npz.read(text), text + ": not an .npz archive (not a zip file)", "np.savez");
        Path npy = dir.resolve("single.npz");
        Npy.write(npy, Samples.sample(DType.F32, 2));
        assertError(() -> Npz.read(npy), npy + ": not an .npz archive", "it is a single .npy array");
        Path empty = Files.write(dir.resolve("empty.npz"), new byte[0]);
        assertError(() -> Npz.read(empty), empty + ": not an .npz archive", "np.savez");
        Path missing = dir.resolve("missing.npz");
        assertError(() -> Npz.read(missing), missing + ": cannot read: no such file", "check the path");
    }

    @Test
    void rejectsTruncatedArchives() throws IOException {
        byte[] whole = Files.readAllBytes(NumpyFixturesTest.fixture("savez_compressed.npz"));
        for (int cut : new int[] {10, 100, whole.length / 2, whole.length - 30, whole.length - 1}) {
            Path file = Files.write(dir.resolve("cut" + cut + ".npz"), Arrays.copyOf(whole, cut));
            assertError(() -> Npz.read(file), file + ": truncated or corrupt zip archive", "np.savez");
        }
    }

    @Test
    void rejectsCorruptEntries() throws IOException {
        // Garble the deflated data of the first entry (its local header and name take the first ~100 bytes).
        byte[] garbled = Files.readAllBytes(NumpyFixturesTest.fixture("savez_compressed.npz"));
        for (int i = 110; i < 140; i++) garbled[i] ^= 0x5A;
        Path file = Files.write(dir.resolve("garbled.npz"), garbled);
        assertError(() -> Npz.read(file), file + " entry 'x.npy': ", "np.save");

        // A flipped bit in stored data decodes fine, so only the CRC can catch it.
        byte[] flipped = Files.readAllBytes(NumpyFixturesTest.fixture("savez.npz"));
        flipped[200] ^= 1;
        Path flippedFile = Files.write(dir.resolve("flipped.npz"), flipped);
        assertError(() -> Npz.read(flippedFile), flippedFile + " entry 'x.npy': corrupt data (CRC mismatch)", "np.savez");

        // A stored entry whose .npy data is cut short, inside an otherwise valid zip.
        Path bad = dir.resolve("short_entry.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bad))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Arrays.copyOf(NpyTest.bytes(Samples.sample(DType.F64, 4)), 140));
            zip.closeEntry();
        }
        assertError(() -> Npz.read(bad), bad + " entry 'x.npy': holds 12 bytes of data but its header promises 32", "np.save");
    }
}

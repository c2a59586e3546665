package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import seq.runtime.UserError;
import seq.runtime.io.NdArray.DType;

class NpyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("seq.runtime.io.Samples#dtypesAndShapes")
    void roundTrips(DType dtype, String label, long[] shape) {
        NdArray a = Samples.sample(dtype, shape);
        Path file = dir.resolve("a.npy");
        Npy.write(file, a);
        assertEquals(a, Npy.read(file));
        long dataBytes = (long) a.size() * dtype.itemSize();
        assertEquals(Npy.byteLength(a), fileSize(file));
        assertEquals(0, (fileSize(file) - dataBytes) % 64, "data starts 64-byte aligned");
    }

    @Test
    void roundTripsExtremeValuesBitForBit() {
        for (NdArray a : Samples.extremes()) {
            assertEquals(a, Npy.read(new ByteArrayInputStream(bytes(a)), "mem.npy"));
        }
    }

    @Test
    void writesNumpysHeaderLayout() {
        byte[] b = bytes(Samples.sample(DType.F32, 3, 4));
        String header = new String(b, 10, 118, StandardCharsets.ISO_8859_1);
        assertEquals(1, b[6]);
        assertEquals(118, b[8] & 0xFF);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"), header);
        assertTrue(header.endsWith(" \n"));
        assertEquals(128 + 48, b.length);
    }

    @Test
    void usesVersion2OnlyWhenTheHeaderNeedsIt() {
        long[] shape = new long[22000]; // a header longer than 65535 bytes
        Arrays.fill(shape, 1);
        NdArray a = NdArray.ofInts(shape, new int[] {42});
        byte[] b = bytes(a);
        assertEquals(2, b[6]);
        assertEquals(0, (b.length - 4) % 64);
        assertEquals(a, Npy.read(new ByteArrayInputStream(b), "big-header.npy"));
    }

    @Test
    void readsHeadersWrittenOtherwise() {
        float[] data = {1, 2, 3, 4, 5, 6};
        NdArray expected = NdArray.ofFloats(new long[] {2, 3}, data);
        for (String dict : new String[] {
                "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
                "{ \"descr\" : \"<f4\" ,'fortran_order':False,'shape':( 2 , 3 , ) , }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], 'extra': None}"}) {
            assertEquals(expected, Npy.read(new ByteArrayInputStream(npy(dict, floatsLE(data))), "x.npy"), dict);
        }
        assertEquals(NdArray.ofFloats(new long[] {}, new float[] {7}),
                Npy.read(new ByteArrayInputStream(npy("{'descr':'<f4','fortran_order':False,'shape':()}", floatsLE(7))), "x.npy"));
    }

    @Test
    void readsFortranOrder() {
        // Column-major data of [[1, 2, 3], [4, 5, 6]].
        byte[] b = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", floatsLE(1, 4, 2, 5, 3, 6));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Npy.read(new ByteArrayInputStream(b), "f.npy").floats());
    }

    @Test
    void truncatedFilesNameTheFileAndTheProblem() throws IOException {
        byte[] whole = bytes(Samples.sample(DType.F32, 3, 4)); // 128-byte header, 48 bytes of data
        Object[][] cuts = {
                {0, "is empty"}, {3, "is truncated: 3 bytes"}, {7, "truncated inside its .npy header"},
                {9, "truncated inside its .npy header"}, {60, "truncated inside its .npy header"},
                {128, "holds 0 bytes of data but its header promises 48 (shape (3, 4), float32)"},
                {133, "holds 5 bytes of data but its header promises 48"}, {175, "holds 47 bytes"}};
        for (Object[] cut : cuts) {
            byte[] part = Arrays.copyOf(whole, (int) cut[0]);
            Path file = dir.resolve("cut" + cut[0] + ".npy");
            Files.write(file, part);
            assertError(() -> Npy.read(file), file + ": ", (String) cut[1]);
            assertError(() -> Npy.read(new ByteArrayInputStream(part), "stream.npy"), "stream.npy: ", (String) cut[1]);
        }
    }

    @Test
    void rejectsOtherFiles() {
        assertError(() -> read("x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII)), "in.npy: not a .npy file", "np.save");
        assertError(() -> read(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}), "in.npy: not a .npy file", "zip archive");
        byte[] v4 = bytes(Samples.sample(DType.F32, 2));
        v4[6] = 4;
        assertError(() -> read(v4), "in.npy: ", "unsupported .npy format version 4.0");
    }

    @Test
    void rejectsUnsupportedDtypes() {
        String[][] cases = {{"<U5", "(strings)"}, {"|b1", "(bool)"}, {"|O", "(Python objects)"}, {"<c16", "(complex128)"},
                {"<f2", "(float16)"}, {"|u1", "(uint8)"}, {"<i2", "(int16)"}, {"<M8[s]", "(dates or times)"}};
        for (String[] c : cases) {
            byte[] b = npy("{'descr': '" + c[0] + "', 'fortran_order': False, 'shape': (1,), }", new byte[16]);
            assertError(() -> read(b), "in.npy: unsupported dtype '" + c[0] + "' " + c[1], "save the array as float32, float64, int32 or int64");
        }
        byte[] structured = npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertError(() -> read(structured), "in.npy: unsupported dtype", "structured");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'descr': '<f4', 'fortran_order': False}",
            "{'descr': '<f4', 'shape': (1,)}",
            "{'fortran_order': False, 'shape': (1,)}",
            "['descr', '<f4']",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
            "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': 1}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
            "{'descr': 4, 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((((((((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),}",
            ""})
    void rejectsMalformedHeaders(String dict) {
        assertError(() -> read(npy(dict, new byte[4])), "in.npy: malformed .npy header", "save the array again with np.save");
    }

    @Test
    void rejectsShapesTooLargeForOneArray() {
        byte[] b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", new byte[4]);
        assertError(() -> read(b), "in.npy: array of shape (100000, 100000) has 10000000000 elements", "split it");
    }

    @Test
    void readErrorsNameTheFile() {
        Path missing = dir.resolve("missing.npy");
        assertError(() -> Npy.read(missing), missing + ": cannot read: no such file", "check the path");
    }

    static NdArray read(byte[] b) {
        return Npy.read(new ByteArrayInputStream(b), "in.npy");
    }

    static void assertError(Runnable action, String prefix, String detail) {
        UserError e = assertThrows(UserError.class, action::run);
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected prefix '" + prefix + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(detail), () -> "expected '" + detail + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), () -> "message spans lines: " + e.getMessage());
    }

    static byte[] bytes(NdArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, a);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** A version 1.0 .npy file with the given header dict (unpadded) and raw data. */
    static byte[] npy(String dict, byte[] data) {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, (byte) (header.length >> 8)});
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] floatsLE(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

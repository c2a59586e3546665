package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static seq.runtime.io.NpyTest.assertError;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import seq.runtime.io.NdArray.DType;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** The header of {@link #handMade()}: 214 bytes of JSON padded with 2 spaces to 216. */
    private static final String HAND_HEADER = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"lstm/kernel\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"dense/bias\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
            + "\"e\":{\"dtype\":\"I32\",\"shape\":[1,0],\"data_offsets\":[16,16]}}  ";

    /** A file computed by hand: header length 216 (0xD8), the header, then 1.5f, -2.0f and the int64 -3. */
    private static byte[] handMade() {
        HexFormat hex = HexFormat.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex.parseHex("d800000000000000"));
        out.writeBytes(HAND_HEADER.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(hex.parseHex("0000c03f" + "000000c0" + "fdffffffffffffff"));
        return out.toByteArray();
    }

    private static LinkedHashMap<String, NdArray> handMadeTensors() {
        LinkedHashMap<String, NdArray> t = new LinkedHashMap<>();
        t.put("lstm/kernel", NdArray.ofFloats(new long[] {2}, new float[] {1.5f, -2f}));
        t.put("dense/bias", NdArray.ofLongs(new long[] {}, new long[] {-3}));
        t.put("e", NdArray.ofInts(new long[] {1, 0}, new int[0]));
        return t;
    }

    @Test
    void writesExactlyTheReferenceBytes() throws IOException {
        assertEquals(216, HAND_HEADER.length());
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, handMadeTensors(), Map.of("format", "pt"));
        assertArrayEquals(handMade(), Files.readAllBytes(file));
    }

    @Test
    void readsTheReferenceBytes() throws IOException {
        Path file = Files.write(dir.resolve("r.safetensors"), handMade());
        SafeTensors.File f = SafeTensors.read(file);
        assertEquals(handMadeTensors(), f.tensors());
        assertEquals(List.of("lstm/kernel", "dense/bias", "e"), List.copyOf(f.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(f, SafeTensors.read(new ByteArrayInputStream(handMade()), "mem"));
    }

    @Test
    void roundTripsEveryDtypeShapeAndAwkwardName() throws IOException {
        LinkedHashMap<String, NdArray> tensors = new LinkedHashMap<>();
        int i = 0;
        for (DType t : DType.values()) {
            for (long[] shape : Samples.SHAPES) tensors.put("t" + i++ + "/" + t + NdArray.shapeString(shape), Samples.sample(t, shape));
        }
        for (NdArray a : Samples.extremes()) tensors.put("extreme/" + a.dtype(), a);
        for (String name : List.of("lstm/kernel", "bidirectional/forward_lstm/kernel", "quote\"back\\slash\ttab\u0001",
                "ünïcödé ✓", "")) {
            tensors.put(name, Samples.sample(DType.F32, 2, 2));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "seq");
        metadata.put("model", "Forecast \"v1\"\n");
        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, metadata);

        SafeTensors.File back = SafeTensors.read(file);
        assertEquals(tensors, back.tensors());
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(metadata, back.metadata());
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    @Test
    void emptyMetadataIsLeftOut() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, new LinkedHashMap<>(), null);
        assertEquals("{}      ", new String(Files.readAllBytes(file), 8, 8, StandardCharsets.UTF_8));
        assertEquals(new SafeTensors.File(new LinkedHashMap<>(), Map.of()), SafeTensors.read(file));
    }

    @Test
    void truncatedFilesAreReported() throws IOException {
        byte[] whole = handMade(); // 8 + 216 + 16 bytes
        Object[][] cuts = {{0, "is 0 bytes long, too short"}, {5, "is 5 bytes long, too short"},
                {8, "header length 216 is larger than the 0 bytes that follow it"},
                {100, "header length 216 is larger than the 92 bytes"},
                {224, "tensor 'lstm/kernel' has data_offsets [0, 8] but the data buffer holds only 0 bytes"},
                {230, "tensor 'lstm/kernel' has data_offsets [0, 8] but the data buffer holds only 6 bytes"},
                {239, "tensor 'dense/bias' has data_offsets [8, 16] but the data buffer holds only 15 bytes"}};
        for (Object[] cut : cuts) {
            byte[] part = Arrays.copyOf(whole, (int) cut[0]);
            Path file = Files.write(dir.resolve("cut" + cut[0] + ".safetensors"), part);
            assertError(() -> SafeTensors.read(file), file + ": ", (String) cut[1]);
            assertError(() -> SafeTensors.read(new ByteArrayInputStream(part), "s.safetensors"), "s.safetensors: ", "truncated");
        }
        assertError(() -> SafeTensors.read(new ByteArrayInputStream(Arrays.copyOf(whole, 235)), "s.safetensors"),
                "s.safetensors: data is truncated: tensor 'dense/bias' has data_offsets [8, 16] but the data buffer ends at byte 11",
                "write it again");
    }

    @Test
    void extraBytesAfterTheDataAreReported() throws IOException {
        byte[] longer = Arrays.copyOf(handMade(), handMade().length + 4);
        Path file = Files.write(dir.resolve("long.safetensors"), longer);
        assertError(() -> SafeTensors.read(file), file + ": the data buffer is longer than the 16 bytes", "corrupt");
    }

    @Test
    void implausibleHeaderLengthIsReported() throws IOException {
        byte[] b = handMade();
        b[7] = (byte) 0x80; // a negative signed length: 2^63 + 216
        Path file = Files.write(dir.resolve("huge.safetensors"), b);
        assertError(() -> SafeTensors.read(file), file + ": header length 9223372036854776024 is implausibly large", "SafeTensors");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]", "\"x\"", "{", "{\"a\":}", "{\"a\" {}}", "{,}", "{\"a\":{},}", "{\"a\":[1,]}", "{'a':{}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x",
            "{\"a\":{\"dtype\":true,\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"a\":null}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"open}",
            "{\"a\":{},\"a\":{}}", "{\"a\":{\"shape\":[99999999999999999999]}}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"})
    void invalidJsonIsReported(String json) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), withHeader(json, 4));
        assertError(() -> SafeTensors.read(file), file + ": ", "corrupt");
        if (!json.startsWith("[") && !json.startsWith("\"")) {
            assertError(() -> SafeTensors.read(file), file + ": invalid JSON in the header at character ", "corrupt");
        }
    }

    @Test
    void invalidUtf8IsReported() throws IOException {
        byte[] b = withHeader("{\"a\":\"\u00e9\"}", 0);
        b[8 + 7] = (byte) 0xFF;
        Path file = Files.write(dir.resolve("utf.safetensors"), b);
        assertError(() -> SafeTensors.read(file), file + ": header is not valid UTF-8", "corrupt");
    }

    @Test
    void inconsistentDescriptionsAreReported() throws IOException {
        String f32 = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
        Object[][] cases = {
                {"{\"a\":" + f32 + "[0,8]},\"b\":" + f32 + "[4,12]}}", 12, "tensors 'a' and 'b' overlap (data_offsets [0, 8] and [4, 12])"},
                {"{\"a\":" + f32 + "[0,8]},\"b\":" + f32 + "[0,8]}}", 8, "tensors 'a' and 'b' overlap"},
                {"{\"a\":" + f32 + "[0,8]},\"b\":" + f32 + "[12,20]}}", 20, "bytes 8 to 12 of the data buffer belong to no tensor"},
                {"{\"a\":" + f32 + "[4,12]}}", 12, "bytes 0 to 4 of the data buffer belong to no tensor"},
                {"{\"a\":" + f32 + "[0,12]}}", 12, "tensor 'a' has data_offsets [0, 12] (12 bytes) but shape (2,) of F32 needs 8 bytes"},
                {"{\"a\":" + f32 + "[8,0]}}", 8, "tensor 'a' has data_offsets [8, 0] (-8 bytes)"},
                {"{\"a\":" + f32 + "[0]}}", 8, "tensor 'a' needs \"data_offsets\" as a pair of non-negative integers"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "tensor 'a' needs \"shape\" as an array"},
                {"{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a' lacks a string \"dtype\""},
                {"{\"a\":[]}", 0, "tensor 'a' is not described by a JSON object"},
                {"{\"__metadata__\":{\"k\":1}}", 0, "\"__metadata__\" must map strings to strings"},
                {"{\"__metadata__\":[]}", 0, "\"__metadata__\" must map strings to strings"}};
        for (Object[] c : cases) {
            Path file = Files.write(dir.resolve("bad.safetensors"), withHeader((String) c[0], (int) c[1]));
            assertError(() -> SafeTensors.read(file), file + ": " + c[2], "corrupt");
        }
        for (String dtype : List.of("BF16", "F16", "U8", "WHAT")) {
            String json = "{\"a\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,4]}}";
            Path file = Files.write(dir.resolve("dtype.safetensors"), withHeader(json, 4));
            assertError(() -> SafeTensors.read(file), file + ": tensor 'a' has dtype '" + dtype + "', which Seq cannot read",
                    "save the weights as float32");
        }
    }

    @Test
    void readErrorsNameTheFile() {
        Path missing = dir.resolve("nope.safetensors");
        assertError(() -> SafeTensors.read(missing), missing + ": cannot read: no such file", "check the path");
    }

    /** A file with the given (unpadded) JSON header and {@code dataBytes} zero bytes of data. */
    private static byte[] withHeader(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array();
    }
}

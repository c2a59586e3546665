package seq.runtime.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import seq.runtime.UserError;
import seq.runtime.io.NdArray.DType;

/**
 * The SafeTensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing
 * each tensor ({"dtype", "shape", "data_offsets"}) plus optional "__metadata__", then the data.
 */
public final class SafeTensors {
    /** A file's tensors in header order, and its metadata (empty if it has none). */
    public record File(LinkedHashMap<String, NdArray> tensors, Map<String, String> metadata) {}

    private static final String METADATA = "__metadata__";
    private static final long MAX_HEADER = 100_000_000; // the reference implementation's limit
    private static final String CORRUPT = "the file is truncated or corrupt; write it again";

    private SafeTensors() {}

    /** Writes the tensors in the given order, and the metadata if not empty, atomically. */
    public static void write(Path path, LinkedHashMap<String, NdArray> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata == null ? Map.of() : metadata);
        AtomicFiles.write(path, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            for (NdArray a : tensors.values()) IoSupport.writeData(out, a, ByteOrder.LITTLE_ENDIAN);
        });
    }

    private static byte[] header(Map<String, NdArray> tensors, Map<String, String> metadata) {
        List<String> fields = new ArrayList<>();
        if (!metadata.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            metadata.forEach((k, v) -> pairs.add(quote(k) + ":" + quote(v)));
            fields.add(quote(METADATA) + ":{" + String.join(",", pairs) + "}");
        }
        long offset = 0;
        for (Map.Entry<String, NdArray> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            NdArray a = e.getValue();
            long end = offset + (long) a.size() * a.dtype().itemSize();
            List<String> dims = new ArrayList<>();
            for (long d : a.shape()) dims.add(Long.toString(d));
            fields.add(quote(e.getKey()) + ":{\"dtype\":\"" + a.dtype() + "\",\"shape\":[" + String.join(",", dims)
                    + "],\"data_offsets\":[" + offset + "," + end + "]}");
            offset = end;
        }
        String json = "{" + String.join(",", fields) + "}";
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        int pad = Math.floorMod(-json.getBytes(StandardCharsets.UTF_8).length, 8);
        return (json + " ".repeat(pad)).getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    public static File read(Path path) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return read(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw IoSupport.ioError(path, "read", e);
        }
    }

    /** Reads a file from {@code in}; {@code name} (usually the file name) starts every error message. */
    public static File read(InputStream in, String name) {
        try {
            return read(in, name, -1);
        } catch (IOException e) {
            throw IoSupport.ioError(name, "read", e);
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /** {@code length} is the stream's length in bytes, or -1 if unknown. */
    private static File read(InputStream in, String name, long length) throws IOException {
        byte[] lengthField = in.readNBytes(8);
        if (lengthField.length < 8) {
            throw error(name, "is " + lengthField.length + " bytes long, too short for a SafeTensors file; " + CORRUPT);
        }
        long headerLength = IoSupport.readLittleEndian(lengthField, 0, 8);
        if (headerLength < 0 || headerLength > MAX_HEADER) {
            throw error(name, "header length " + Long.toUnsignedString(headerLength) + " is implausibly large (over "
                    + MAX_HEADER + "); it is not a SafeTensors file, or " + CORRUPT);
        }
        if (length >= 0 && headerLength > length - 8) {
            throw error(name, "header length " + headerLength + " is larger than the " + (length - 8)
                    + " bytes that follow it; " + CORRUPT);
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw error(name, "ends inside its " + headerLength + "-byte header; " + CORRUPT);
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw error(name, "header is not valid UTF-8; " + CORRUPT);
        }
        if (!(new JsonReader(name, json).document() instanceof Map<?, ?> root)) {
            throw error(name, "header is not a JSON object; " + CORRUPT);
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m) || !m.values().stream().allMatch(v -> v instanceof String)) {
                    throw error(name, "\"" + METADATA + "\" must map strings to strings; " + CORRUPT);
                }
                m.forEach((k, v) -> metadata.put((String) k, (String) v));
            } else {
                entries.add(entry(name, key, e.getValue()));
            }
        }

        // The tensors must tile the data buffer exactly: no overlaps, no gaps, nothing past the end.
        long buffer = length < 0 ? -1 : length - 8 - headerLength;
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected) {
                throw error(name, "tensors '" + previous.name + "' and '" + e.name + "' overlap (data_offsets "
                        + previous.offsets() + " and " + e.offsets() + "); " + CORRUPT);
            }
            if (e.begin > expected) {
                throw error(name, "bytes " + expected + " to " + e.begin + " of the data buffer belong to no tensor (gap before '"
                        + e.name + "'); " + CORRUPT);
            }
            if (buffer >= 0 && e.end > buffer) {
                throw error(name, "tensor '" + e.name + "' has data_offsets " + e.offsets() + " but the data buffer holds only "
                        + buffer + " bytes; " + CORRUPT);
            }
            expected = e.end;
            previous = e;
        }

        Map<String, NdArray> arrays = new HashMap<>();
        for (Entry e : byOffset) {
            arrays.put(e.name, IoSupport.readData(in, e.dtype, e.shape, ByteOrder.LITTLE_ENDIAN, got -> error(name,
                    "data is truncated: tensor '" + e.name + "' has data_offsets " + e.offsets() + " but the data buffer ends at byte "
                            + (e.begin + got) + "; " + CORRUPT)));
        }
        if (in.read() != -1) {
            throw error(name, "the data buffer is longer than the " + expected + " bytes its tensors cover; " + CORRUPT);
        }
        LinkedHashMap<String, NdArray> tensors = new LinkedHashMap<>();
        for (Entry e : entries) tensors.put(e.name, arrays.get(e.name));
        return new File(tensors, metadata);
    }

    private static Entry entry(String file, String tensor, Object value) {
        String where = "tensor '" + IoSupport.oneLine(tensor, 80) + "'";
        if (!(value instanceof Map<?, ?> info)) throw error(file, where + " is not described by a JSON object; " + CORRUPT);
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw error(file, where + " lacks a string \"dtype\"; " + CORRUPT);
        }
        long[] shape = integers(file, where, info.get("shape"), "shape", -1);
        long[] offsets = integers(file, where, info.get("data_offsets"), "data_offsets", 2);
        DType dtype = switch (dtypeName) {
            case "F32", "F64", "I32", "I64" -> DType.valueOf(dtypeName);
            default -> throw error(file, where + " has dtype '" + IoSupport.oneLine(dtypeName, 20)
                    + "', which Seq cannot read (it reads F32, F64, I32 and I64); save the weights as float32");
        };
        long count = NdArray.elementCount(shape);
        if (count > NdArray.MAX_SIZE) {
            throw error(file, where + " has shape " + NdArray.shapeString(shape) + ", more than "
                    + NdArray.MAX_SIZE + " elements; " + CORRUPT);
        }
        Entry e = new Entry(tensor, dtype, shape, offsets[0], offsets[1]);
        if (e.end - e.begin != count * dtype.itemSize()) {
            throw error(file, where + " has data_offsets " + e.offsets() + " (" + (e.end - e.begin) + " bytes) but shape "
                    + NdArray.shapeString(shape) + " of " + dtype + " needs " + count * dtype.itemSize() + " bytes; " + CORRUPT);
        }
        return e;
    }

    /** A JSON array of non-negative integers, of the given length unless that is -1. */
    private static long[] integers(String file, String where, Object value, String key, int length) {
        String problem = where + " needs \"" + key + "\" as " + (length < 0 ? "an array" : "a pair")
                + " of non-negative integers; " + CORRUPT;
        if (!(value instanceof List<?> list) || length >= 0 && list.size() != length) throw error(file, problem);
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) throw error(file, problem);
            out[i] = v;
        }
        return out;
    }

    private static UserError error(String name, String problem) {
        return new UserError(name + ": " + problem);
    }

    /** A strict JSON reader for objects, arrays, strings and integers (Long); anything else is an error. */
    private static final class JsonReader {
        private final String name, s;
        private int pos, depth;

        JsonReader(String name, String s) {
            this.name = name;
            this.s = s;
        }

        Object document() {
            Object v = value();
            skipSpace();
            if (pos < s.length()) throw fail("unexpected text after the header object");
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) throw fail("it ends too early");
            char c = s.charAt(pos);
            if (c == '{' || c == '[') {
                if (++depth > 64) throw fail("it is nested too deeply");
                Object v = c == '{' ? object() : array();
                depth--;
                return v;
            }
            if (c == '"') return string();
            if (c == '-' || c >= '0' && c <= '9') return integer();
            throw fail("unexpected '" + c + "' (only objects, arrays, strings and integers are allowed)");
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            if (next('}')) return map;
            do {
                skipSpace();
                if (!at('"')) throw fail("expected a string key");
                String key = string();
                if (!next(':')) throw fail("expected ':'");
                if (map.put(key, value()) != null) {
                    throw fail("duplicate key \"" + IoSupport.oneLine(key, 80) + "\"");
                }
            } while (next(','));
            if (!next('}')) throw fail("expected ',' or '}'");
            return map;
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            if (next(']')) return list;
            do list.add(value()); while (next(','));
            if (!next(']')) throw fail("expected ',' or ']'");
            return list;
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= s.length()) throw fail("a string is not closed");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw fail("a control character inside a string");
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) throw fail("a string is not closed");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length() || !s.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                            throw fail("a bad \\u escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw fail("a bad escape '\\" + e + "'");
                }
            }
        }

        private Long integer() {
            int start = pos;
            if (at('-')) pos++;
            if (!at('0')) {
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            } else {
                pos++; // JSON allows no leading zeros
            }
            if (at('.') || at('e') || at('E')) throw fail("a number that is not an integer");
            try {
                return Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw fail("a bad integer '" + IoSupport.oneLine(s.substring(start, pos), 40) + "'");
            }
        }

        private boolean at(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        /** Skips whitespace, then consumes {@code c} if it is next. */
        private boolean next(char c) {
            skipSpace();
            if (!at(c)) return false;
            pos++;
            return true;
        }

        private void skipSpace() {
            while (pos < s.length() && " \t\n\r".indexOf(s.charAt(pos)) >= 0) pos++;
        }

        private UserError fail(String problem) {
            return error(name, "invalid JSON in the header at character " + pos + ": " + problem + "; " + CORRUPT);
        }
    }
}

package seq.runtime.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import seq.runtime.UserError;
import seq.runtime.io.NdArray.DType;

/**
 * NumPy's .npy format: reads versions 1.0, 2.0 and 3.0 (C or Fortran order, either byte order);
 * writes version 1.0, little-endian, C order (2.0 only if the header needs it).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 24;
    private static final String FIX_DTYPE =
            "save the array as float32, float64, int32 or int64, e.g. np.save(path, a.astype(np.float32))";
    private static final String RESAVE = "save the array again with np.save";

    private Npy() {}

    public static NdArray read(Path path) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return read(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw IoSupport.ioError(path, "read", e);
        }
    }

    /** Reads one array from {@code in}; {@code name} (usually the file name) starts every error message. */
    public static NdArray read(InputStream in, String name) {
        try {
            return read(in, name, -1);
        } catch (IOException e) {
            throw IoSupport.ioError(name, "read", e);
        }
    }

    /** {@code length} is the stream's length in bytes, or -1 if unknown; it lets a truncated file fail before allocating. */
    static NdArray read(InputStream in, String name, long length) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            if (magic.length == 0) throw error(name, "is empty, not a .npy file; " + RESAVE);
            if (magic.length < MAGIC.length && Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length))) {
                throw error(name, "is truncated: " + magic.length + " bytes, too short for a .npy file; " + RESAVE);
            }
            boolean zip = magic.length >= 2 && magic[0] == 'P' && magic[1] == 'K';
            throw error(name, "not a .npy file (it does not start with \\x93NUMPY"
                    + (zip ? "; it is a zip archive, perhaps an .npz" : "") + "); " + RESAVE);
        }
        byte[] version = in.readNBytes(2);
        if (version.length < 2) throw truncatedHeader(name);
        int major = version[0] & 0xFF, minor = version[1] & 0xFF;
        if (major < 1 || major > 3) {
            throw error(name, "unsupported .npy format version " + major + "." + minor
                    + " (versions 1.0 to 3.0 are supported); " + RESAVE);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) throw truncatedHeader(name);
        long headerLength = IoSupport.readLittleEndian(lengthField, 0, lengthBytes);
        if (headerLength > MAX_HEADER) {
            throw error(name, "malformed header: it claims to be " + headerLength + " bytes long; " + RESAVE);
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) throw truncatedHeader(name);
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Map<String, Object> dict = new HeaderParser(name, text).dict();
        Object descr = require(dict, "descr", name, text), fortran = require(dict, "fortran_order", name, text);
        Object shapeValue = require(dict, "shape", name, text);
        if (descr instanceof List) {
            throw error(name, "unsupported dtype " + IoSupport.oneLine(String.valueOf(descr), 80)
                    + " (a structured record array); " + FIX_DTYPE);
        }
        if (!(descr instanceof String d)) throw malformed(name, text, "'descr' must be a string such as '<f4'");
        if (!(fortran instanceof Boolean isFortran)) {
            throw malformed(name, text, "'fortran_order' must be True or False");
        }
        long[] shape = shape(shapeValue, name, text);
        DType dtype = dtype(d, name);
        ByteOrder order = d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        long count = NdArray.elementCount(shape);
        if (count > NdArray.MAX_SIZE) {
            throw error(name, "array of shape " + NdArray.shapeString(shape) + " has " + count
                    + " elements, more than the " + NdArray.MAX_SIZE + " one array can hold; split it into smaller files");
        }
        long promised = count * dtype.itemSize();
        LongFunction<UserError> truncated = got -> error(name, "holds " + got + " bytes of data but its header promises "
                + promised + " (shape " + NdArray.shapeString(shape) + ", " + dtype.numpyName()
                + "); the file is truncated, " + RESAVE);
        long available = length - MAGIC.length - 2 - lengthBytes - headerLength;
        if (length >= 0 && available < promised) throw truncated.apply(available);
        NdArray a = IoSupport.readData(in, dtype, shape, order, truncated);
        return isFortran && shape.length > 1 ? fortranToC(a) : a;
    }

    /** Writes {@code a} to {@code path} atomically. */
    public static void write(Path path, NdArray a) {
        AtomicFiles.write(path, out -> write(out, a));
    }

    public static void write(OutputStream out, NdArray a) throws IOException {
        out.write(header(a));
        IoSupport.writeData(out, a, ByteOrder.LITTLE_ENDIAN);
    }

    /** The number of bytes {@link #write(OutputStream, NdArray)} writes. */
    static long byteLength(NdArray a) {
        return header(a).length + (long) a.size() * a.dtype().itemSize();
    }

    private static byte[] header(NdArray a) {
        DType t = a.dtype();
        String dict = "{'descr': '<" + (t.isInteger() ? "i" : "f") + t.itemSize()
                + "', 'fortran_order': False, 'shape': " + a.shapeString() + ", }";
        // Pad with spaces and end with '\n' so that the data starts at a multiple of 64, as NumPy does.
        int prefix = 10, headerLength = paddedLength(dict, prefix);
        if (headerLength > 0xFFFF) headerLength = paddedLength(dict, prefix = 12); // version 2.0: 4-byte length
        byte[] out = new byte[prefix + headerLength];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) (prefix == 10 ? 1 : 2);
        for (int i = 0; i < prefix - 8; i++) out[8 + i] = (byte) (headerLength >>> (8 * i));
        byte[] text = (dict + " ".repeat(headerLength - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, out, prefix, text.length);
        return out;
    }

    private static int paddedLength(String dict, int prefix) {
        return dict.length() + 1 + Math.floorMod(-(prefix + dict.length() + 1), 64);
    }

    private static DType dtype(String descr, String name) {
        String body = descr.isEmpty() || "<>|=".indexOf(descr.charAt(0)) < 0 ? descr : descr.substring(1);
        switch (body) {
            case "f4": return DType.F32;
            case "f8": return DType.F64;
            case "i4": return DType.I32;
            case "i8": return DType.I64;
            default: break;
        }
        char kind = body.isEmpty() ? ' ' : body.charAt(0);
        String bits = body.length() > 1 && body.substring(1).chars().allMatch(Character::isDigit)
                ? String.valueOf(8 * Integer.parseInt(body.substring(1))) : "";
        String what = switch (kind) {
            case 'b', '?' -> "bool";
            case 'U' -> "strings";
            case 'S', 'a' -> "byte strings";
            case 'O' -> "Python objects";
            case 'c' -> "complex" + bits;
            case 'f' -> "float" + bits;
            case 'i' -> "int" + bits;
            case 'u' -> "uint" + bits;
            case 'M', 'm' -> "dates or times";
            case 'V' -> "raw bytes";
            default -> "not a NumPy type";
        };
        throw error(name, "unsupported dtype '" + IoSupport.oneLine(descr, 40) + "' (" + what + "); " + FIX_DTYPE);
    }

    private static long[] shape(Object value, String name, String text) {
        if (!(value instanceof List<?> dims)) throw malformed(name, text, "'shape' must be a tuple of integers");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw malformed(name, text, "'shape' must be a tuple of non-negative integers");
            }
            shape[i] = d;
        }
        return shape;
    }

    /** Reorders a Fortran-order (column-major) array, read as if it were flat, into C order. */
    private static NdArray fortranToC(NdArray f) {
        long[] shape = f.shape();
        int rank = shape.length, size = f.size();
        long[] stride = new long[rank]; // Fortran strides, in elements
        for (int j = 0, s = 1; j < rank; s *= shape[j], j++) stride[j] = s;
        Object src = f.data(), dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), size);
        int[] index = new int[rank];
        long offset = 0;
        for (int c = 0; c < size; c++) {
            System.arraycopy(src, (int) offset, dst, c, 1);
            for (int j = rank - 1; j >= 0; j--) { // advance the C-order odometer, last axis fastest
                if (++index[j] < shape[j]) {
                    offset += stride[j];
                    break;
                }
                offset -= stride[j] * (shape[j] - 1);
                index[j] = 0;
            }
        }
        return new NdArray(f.dtype(), shape, dst);
    }

    private static Object require(Map<String, Object> dict, String key, String name, String text) {
        if (!dict.containsKey(key)) throw malformed(name, text, "it has no '" + key + "' key");
        return dict.get(key);
    }

    private static UserError error(String name, String problem) {
        return new UserError(name + ": " + problem);
    }

    private static UserError truncatedHeader(String name) {
        return error(name, "is truncated inside its .npy header; " + RESAVE);
    }

    private static UserError malformed(String name, String header, String problem) {
        return error(name, "malformed .npy header " + IoSupport.oneLine(header, 120) + ": " + problem + "; " + RESAVE);
    }

    /**
     * Parses the header, a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False,
     * 'shape': (3, 4), }}, into String, Boolean, Long, List (tuple or list) and Map values.
     */
    private static final class HeaderParser {
        private final String name, text;
        private int pos, depth;

        HeaderParser(String name, String text) {
            this.name = name;
            this.text = text;
        }

        Map<String, Object> dict() {
            skipSpace();
            if (!(value() instanceof Map<?, ?> map)) throw fail("it is not a dict");
            skipSpace();
            if (pos < text.length()) throw fail("unexpected text after the dict");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) map;
            return result;
        }

        private Object value() {
            if (pos >= text.length()) throw fail("it ends too early");
            char c = text.charAt(pos);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                sequence('}', () -> {
                    if (!(value() instanceof String key)) throw fail("dict keys must be strings");
                    skipSpace();
                    expect(':');
                    skipSpace();
                    map.put(key, value());
                });
                return map;
            }
            if (c == '(' || c == '[') {
                List<Object> list = new ArrayList<>();
                sequence(c == '(' ? ')' : ']', () -> list.add(value()));
                return list;
            }
            if (c == '\'' || c == '"') return string(c);
            if (c == '-' || Character.isDigit(c)) return integer();
            for (String word : List.of("True", "False", "None")) {
                if (text.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? null : word.equals("True");
                }
            }
            throw fail("unexpected '" + c + "'");
        }

        /** Parses "OPEN item, item, ... [,] CLOSE" with the opening character at pos. */
        private void sequence(char close, Runnable item) {
            if (++depth > 32) throw fail("it is nested too deeply");
            pos++;
            skipSpace();
            while (!at(close)) {
                item.run();
                skipSpace();
                if (!at(close)) {
                    expect(',');
                    skipSpace();
                }
            }
            pos++;
            depth--;
        }

        private String string(char quote) {
            StringBuilder sb = new StringBuilder();
            for (pos++; !at(quote); pos++) {
                if (pos >= text.length()) throw fail("a string is not closed");
                if (text.charAt(pos) == '\\') pos++;
                if (pos < text.length()) sb.append(text.charAt(pos));
            }
            pos++;
            return sb.toString();
        }

        private Long integer() {
            int start = pos;
            if (at('-')) pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
            try {
                long v = Long.parseLong(text.substring(start, pos));
                if (at('L') || at('l')) pos++; // Python 2 long literal
                return v;
            } catch (NumberFormatException e) {
                throw fail("bad integer '" + text.substring(start, pos) + "'");
            }
        }

        private boolean at(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!at(c)) throw fail(pos < text.length() ? "expected '" + c + "' at '" + text.charAt(pos) + "'" : "it ends too early");
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        }

        private UserError fail(String problem) {
            return malformed(name, text, problem);
        }
    }
}

package seq.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.function.LongFunction;
import seq.runtime.UserError;
import seq.runtime.io.NdArray.DType;

/** Raw element encoding shared by the file formats, and IOException-to-UserError translation. */
final class IoSupport {
    private static final int CHUNK = 1 << 16; // bytes converted per step, so no file-sized byte[] is needed

    private IoSupport() {}

    /** Writes the elements of {@code a} in C order and the given byte order. */
    static void writeData(OutputStream out, NdArray a, ByteOrder order) throws IOException {
        int item = a.dtype().itemSize(), per = CHUNK / item, size = a.size();
        byte[] buf = new byte[CHUNK];
        Object data = a.data();
        for (int pos = 0; pos < size; pos += per) {
            int n = Math.min(per, size - pos);
            ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
            switch (a.dtype()) {
                case F32 -> bb.asFloatBuffer().put((float[]) data, pos, n);
                case F64 -> bb.asDoubleBuffer().put((double[]) data, pos, n);
                case I32 -> bb.asIntBuffer().put((int[]) data, pos, n);
                case I64 -> bb.asLongBuffer().put((long[]) data, pos, n);
            }
            out.write(buf, 0, n * item);
        }
    }

    /**
     * Reads an array of the given type and shape (at most {@link NdArray#MAX_SIZE} elements, which
     * the caller checks). If the stream ends early, throws {@code truncated.apply(bytesRead)}.
     */
    static NdArray readData(InputStream in, DType dtype, long[] shape, ByteOrder order,
            LongFunction<UserError> truncated) throws IOException {
        int size = (int) NdArray.elementCount(shape), item = dtype.itemSize(), per = CHUNK / item;
        Object data = switch (dtype) {
            case F32 -> new float[size];
            case F64 -> new double[size];
            case I32 -> new int[size];
            case I64 -> new long[size];
        };
        byte[] buf = new byte[CHUNK];
        for (int pos = 0; pos < size; pos += per) {
            int n = Math.min(per, size - pos);
            int got = in.readNBytes(buf, 0, n * item);
            if (got < n * item) throw truncated.apply((long) pos * item + got);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, got).order(order);
            switch (dtype) {
                case F32 -> bb.asFloatBuffer().get((float[]) data, pos, n);
                case F64 -> bb.asDoubleBuffer().get((double[]) data, pos, n);
                case I32 -> bb.asIntBuffer().get((int[]) data, pos, n);
                case I64 -> bb.asLongBuffer().get((long[]) data, pos, n);
            }
        }
        return new NdArray(dtype, shape, data);
    }

    /** "FILE: cannot VERB: REASON", for an I/O failure on {@code file}. */
    static UserError ioError(Object file, String verb, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file; check the path";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
        } else {
            reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        return new UserError(file + ": cannot " + verb + ": " + oneLine(reason, 200), e);
    }

    /** {@code s} with control characters replaced and cut to {@code max} characters, for messages. */
    static String oneLine(String s, int max) {
        String t = s.strip().replaceAll("\\p{Cntrl}", "?");
        return t.length() <= max ? t : t.substring(0, max) + "...";
    }

    static long readLittleEndian(byte[] b, int off, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}

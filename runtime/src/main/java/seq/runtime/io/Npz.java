package seq.runtime.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import seq.runtime.UserError;

/** NumPy's .npz format: a zip archive of .npy files, one per named array (numpy.savez / savez_compressed). */
public final class Npz {
    private static final String RESAVE = "save the arrays again with np.savez";

    private Npz() {}

    /** Reads every array, keyed by entry name without ".npy", in the archive's order. */
    public static Map<String, NdArray> read(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw IoSupport.ioError(path, "read", e);
        }
        // Local file header, or the end record of an empty archive.
        boolean zip = head.length == 4 && head[0] == 'P' && head[1] == 'K'
                && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6);
        if (!zip) {
            boolean npy = head.length == 4 && (head[0] & 0xFF) == 0x93 && head[1] == 'N';
            throw new UserError(path + ": not an .npz archive (not a zip file"
                    + (npy ? "; it is a single .npy array" : "") + "); " + RESAVE);
        }
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        try (ZipFile zipFile = new ZipFile(path.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zipFile.entries(); en.hasMoreElements(); ) {
                ZipEntry entry = en.nextElement();
                if (entry.isDirectory()) continue;
                String name = entry.getName(), where = path + " entry '" + name + "'";
                // ZipFile does not verify CRCs, so check them here: a flipped bit must not go unnoticed.
                CheckedInputStream checked = new CheckedInputStream(zipFile.getInputStream(entry), new CRC32());
                try (InputStream in = new BufferedInputStream(checked, 1 << 16)) {
                    NdArray a = Npy.read(in, where, entry.getSize());
                    in.transferTo(OutputStream.nullOutputStream());
                    if (entry.getCrc() != -1 && checked.getChecksum().getValue() != entry.getCrc()) {
                        throw new UserError(where + ": corrupt data (CRC mismatch); " + RESAVE);
                    }
                    arrays.put(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name, a);
                } catch (ZipException e) {
                    throw new UserError(where + ": corrupt zip data (" + e.getMessage() + "); " + RESAVE, e);
                } catch (IOException e) {
                    throw IoSupport.ioError(where, "read", e);
                }
            }
        } catch (ZipException e) {
            throw new UserError(path + ": truncated or corrupt zip archive (" + e.getMessage() + "); " + RESAVE, e);
        } catch (IOException e) {
            throw IoSupport.ioError(path, "read", e);
        }
        return arrays;
    }

    /** Writes the arrays as entries NAME.npy, uncompressed, in the map's order, atomically. */
    public static void write(Path path, Map<String, NdArray> arrays) {
        AtomicFiles.write(path, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
                NdArray a = e.getValue();
                // A stored entry needs its size and CRC before its data, so compute the CRC in a first pass.
                CRC32 crc = new CRC32();
                Npy.write(new CheckedOutputStream(OutputStream.nullOutputStream(), crc), a);
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(Npy.byteLength(a));
                entry.setCompressedSize(Npy.byteLength(a));
                entry.setCrc(crc.getValue());
                entry.setTimeLocal(LocalDateTime.of(1980, 1, 1, 0, 0)); // reproducible bytes
                zip.putNextEntry(entry);
                Npy.write(zip, a);
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}

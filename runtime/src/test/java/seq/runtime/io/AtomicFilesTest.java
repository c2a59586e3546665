package seq.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static seq.runtime.io.NpyTest.assertError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("w.bin"), "old");
        AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aWriterFailingMidwayLeavesTheOldFileIntact() throws IOException {
        Path target = Files.writeString(dir.resolve("w.bin"), "old content");
        assertError(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than the buffer, so the temporary file really has data
            throw new IOException("disk on fire");
        }), target + ": cannot write: disk on fire", "disk on fire");
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), listing());

        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw bug;
        })));
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aNewFileIsNotCreatedOnFailure() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(RuntimeException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("no");
        }));
        assertEquals(List.of(), listing());
    }

    @Test
    void missingDirectoriesAndDirectoryTargetsAreReported() throws IOException {
        Path target = dir.resolve("missing/w.safetensors");
        assertError(() -> AtomicFiles.write(target, out -> out.write(1)),
                target + ": cannot write: directory " + dir.resolve("missing") + " does not exist", "create it first");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertError(() -> AtomicFiles.write(sub, out -> out.write(1)), sub + ": cannot write: it is a directory", "file name");
    }

    @Test
    void permissionDeniedIsReported() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "running as a user who can write anywhere (root)");
            Path target = locked.resolve("w.npy");
            assertError(() -> Npy.write(target, Samples.sample(NdArray.DType.F32, 2)), target + ": cannot write: ", "permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}

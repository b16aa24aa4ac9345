package fasttrack.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aWriteInterruptedBeforeTheRenameLeavesTheOldFileAndNoTemp(@TempDir Path dir) throws Exception {
        Path file = AtomicFiles.write(dir.resolve("notes.md"), "old");
        var crash = assertThrows(
                IllegalStateException.class,
                () -> AtomicFiles.write(file, "new".getBytes(StandardCharsets.UTF_8), () -> {
                    throw new IllegalStateException("power cut");
                }));
        assertEquals("power cut", crash.getMessage());
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void createsFoldersAndReplacesWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a/b/c.txt");
        AtomicFiles.write(file, "a much longer first version");
        AtomicFiles.write(file, "short");
        assertEquals("short", Files.readString(file));
    }

    @Test
    void aReplacedFileKeepsItsPermissionsAndANewOneIsReadableByAll(@TempDir Path dir) throws Exception {
        Path fresh = AtomicFiles.write(dir.resolve("new.md"), "x");
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(fresh));
        Path shared = AtomicFiles.write(dir.resolve("shared.md"), "v1");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw-r--"));
        AtomicFiles.write(shared, "v2");
        assertEquals(PosixFilePermissions.fromString("rw-rw-r--"), Files.getPosixFilePermissions(shared));
    }
}

package fasttrack.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file whole or not at all: bytes go to a temp file beside the target, are forced to disk,
 * then renamed over the target. A crash at any point leaves either the old file or the new one.
 */
public final class AtomicFiles {

    /** Prefix of the temp files; readers of a folder skip names that start with it. */
    public static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {}

    public static Path write(Path target, String text) throws IOException {
        return write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static Path write(Path target, byte[] bytes) throws IOException {
        return write(target, bytes, () -> {});
    }

    /** What a streamed file holds: written to the temp file's channel, in as many pieces as it likes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /**
     * As {@link #write(Path, byte[])} for a file too large to build in memory first (a model's
     * weights): {@code content} streams it. If it throws, the target is left as it was.
     */
    public static Path write(Path target, Content content) throws IOException {
        return write(target, content, () -> {});
    }

    /** {@code beforeRename} runs between the forced temp file and the rename (tests simulate a crash there). */
    static Path write(Path target, byte[] bytes, Runnable beforeRename) throws IOException {
        return write(
                target,
                out -> {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) out.write(buffer);
                },
                beforeRename);
    }

    static Path write(Path target, Content content, Runnable beforeRename) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, TEMP_PREFIX + target.getFileName() + "-", "");
        try {
            keepPermissions(target, tmp);
            try (FileChannel channel =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(channel);
                channel.force(true);
            }
            beforeRename.run();
            return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Temp files are created owner-only (rw-------); the replacement must not quietly change who can
     * read the file. It takes the old file's permissions, or rw-r--r-- for a new one.
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, permissions);
    }
}

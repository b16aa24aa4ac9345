package fasttrack.notes;

import fasttrack.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * A folder of notes files, one per notebook. Every change is a locked read-modify-write of one
 * file: the lock (a file lock, so it holds across kernels, plus a monitor, because a JVM cannot
 * lock the same file twice) keeps two writers from losing each other's notes, and the atomic write
 * keeps a crash from leaving half a file. A file that does not parse is never overwritten.
 */
public final class NoteStore {

    private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    /** Replaces a file whole; tests swap in one that crashes between the temp write and the rename. */
    interface Replacer {
        void replace(Path file, String text) throws IOException;
    }

    private final Path dir;
    private final Replacer replacer;

    public NoteStore(Path dir) {
        this(dir, AtomicFiles::write);
    }

    NoteStore(Path dir, Replacer replacer) {
        this.dir = dir.toAbsolutePath().normalize();
        this.replacer = replacer;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String notebook) {
        return dir.resolve(Notebooks.requireName(notebook) + ".md");
    }

    /** The notes of one notebook, in file order; none if it has no file yet. */
    public List<Note> read(String notebook) {
        Path file = file(notebook);
        try {
            if (!Files.exists(file)) return List.of();
            return NotesFormat.read(file, notebook, Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new NotesFormatException(file, 1, "the file is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The notebooks that have notes here, by name. */
    public List<String> notebooks() {
        if (!Files.isDirectory(dir)) return List.of();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.md")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".")) names.add(name.substring(0, name.length() - 3));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Applies {@code change} to a notebook's notes under the lock; writes only if the text changed,
     * so a rerun leaves the file (and its timestamp) alone.
     */
    public void update(String notebook, UnaryOperator<List<Note>> change) {
        Path file = file(notebook);
        Path lockFile = dir.resolve("." + file.getFileName() + ".lock");
        synchronized (MONITORS.computeIfAbsent(lockFile, p -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (FileChannel channel =
                                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    deleteStaleTemps(file);
                    List<Note> before = read(notebook);
                    String old = NotesFormat.write(notebook, before);
                    String updated = NotesFormat.write(notebook, change.apply(new ArrayList<>(before)));
                    if (!updated.equals(old) || !Files.exists(file)) replacer.replace(file, updated);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Temp files of {@code file} left by a writer that died before its rename. Only a lock holder
     * writes them, so while we hold the lock any that exist are abandoned.
     */
    private void deleteStaleTemps(Path file) throws IOException {
        try (DirectoryStream<Path> stale =
                Files.newDirectoryStream(dir, AtomicFiles.TEMP_PREFIX + file.getFileName() + "-*")) {
            for (Path temp : stale) Files.deleteIfExists(temp);
        }
    }
}

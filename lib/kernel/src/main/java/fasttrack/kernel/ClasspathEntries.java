package fasttrack.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns what a user types ({@code lib/*.jar}, {@code build/classes}) into existing classpath entries. */
final class ClasspathEntries {

    private ClasspathEntries() {}

    /**
     * Resolves one entry relative to {@code base}. A glob in the file name ({@code dir/*},
     * {@code dir/*.jar}) expands to the matching jars; a plain path must exist.
     *
     * @throws IllegalArgumentException naming the entry when nothing matches
     */
    static List<Path> resolve(Path base, String entry) {
        String trimmed = entry.strip();
        if (trimmed.isEmpty()) throw new IllegalArgumentException("empty classpath entry");
        Path path = base.resolve(
                trimmed.startsWith("~/") ? System.getProperty("user.home") + trimmed.substring(1) : trimmed);
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.contains("*") && !name.contains("?")) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such file or folder: " + path.normalize());
            }
            return List.of(path.normalize());
        }
        Path dir = path.getParent();
        String glob = name.equals("*") ? "*.jar" : name;
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such folder: " + dir);
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, glob)) {
            matches.forEach(p -> jars.add(p.normalize()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (jars.isEmpty()) throw new IllegalArgumentException("no jar matches " + path.normalize());
        jars.sort(null); // a stable order gives a reproducible classpath
        return jars;
    }

    static List<Path> resolveAll(Path base, List<String> entries) {
        return entries.stream().flatMap(e -> resolve(base, e).stream()).toList();
    }
}

package fasttrack.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the course is on disk, so the library can find {@code data/} from any notebook or test. */
public final class Course {

    private Course() {}

    /**
     * The course folder: {@code FASTTRACK_HOME} (the kernel sets it), else the nearest folder above
     * the working directory that has both {@code notebooks/} and {@code data/}.
     */
    public static Path home() {
        String home = System.getenv("FASTTRACK_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks")) && Files.isDirectory(p.resolve("data"))) return p;
        }
        throw new IllegalStateException("cannot tell where the course folder is: start Jupyter with lib/bin/notebook, "
                + "or set FASTTRACK_HOME to the folder that holds notebooks/ and data/");
    }

    /**
     * Where checkpoints go: {@code FASTTRACK_CHECKPOINT_DIR} if set (the notebook tests point it at
     * a scratch folder), else {@code data/checkpoints} (ignored by git: they are yours, and large).
     */
    public static Path checkpoints() {
        String explicit = System.getenv("FASTTRACK_CHECKPOINT_DIR");
        return explicit != null && !explicit.isBlank() ? Path.of(explicit) : data("checkpoints");
    }

    /** A path under the course's {@code data/} folder. */
    public static Path data(String first, String... more) {
        return home().resolve("data").resolve(Path.of(first, more));
    }
}

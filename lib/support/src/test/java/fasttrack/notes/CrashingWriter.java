package fasttrack.notes;

import fasttrack.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JVM that dies while holding the lock, between writing the temp file and renaming it. */
public final class CrashingWriter {

    public static void main(String[] args) {
        NoteStore store = new NoteStore(Path.of(args[0]), (file, text) -> {
            Path temp = file.resolveSibling(AtomicFiles.TEMP_PREFIX + file.getFileName() + "-crashed");
            Files.writeString(temp, text.substring(0, text.length() / 2));
            Runtime.getRuntime().halt(3); // a killed kernel: no finally blocks, no shutdown hooks
        });
        new Notes(store, args[1]).section("s").record("Lost in the crash?", "Yes: it never reached the file.");
    }
}

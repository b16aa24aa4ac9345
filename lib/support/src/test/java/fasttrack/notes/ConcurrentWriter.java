package fasttrack.notes;

import java.nio.file.Path;

/** A second JVM recording notes into the same store, for the cross-process test. */
public final class ConcurrentWriter {

    public static void main(String[] args) {
        Notes notes = Notes.forNotebook(args[1], Path.of(args[0])).section("shared");
        for (int i = 0; i < Integer.parseInt(args[3]); i++)
            notes.record(args[2] + " question " + i + "?", "answer " + i);
    }
}

package fasttrack.notes;

import java.nio.file.Path;

/** A notes file that does not follow the format; names the file and line, and what was expected. */
public final class NotesFormatException extends RuntimeException {

    NotesFormatException(Path file, int line, String problem) {
        super(
                file + ":" + line + ": " + problem
                        + ". Fix or move the file (the format is described in fasttrack.notes.NotesFormat); nothing was written.");
    }
}

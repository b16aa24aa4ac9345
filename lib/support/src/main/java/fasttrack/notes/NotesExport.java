package fasttrack.notes;

import java.util.ArrayList;
import java.util.List;

/** Notes in the two shapes people take them elsewhere: one Markdown document, and Anki flashcards. */
final class NotesExport {

    private NotesExport() {}

    static String markdown(List<Note> notes) {
        StringBuilder out = new StringBuilder("# Study notes\n");
        String notebook = null;
        String section = null;
        for (Note note : notes) {
            if (!note.notebook().equals(notebook)) {
                notebook = note.notebook();
                section = null;
                out.append("\n## ").append(notebook).append("\n");
            }
            if (!note.section().equals(section)) {
                section = note.section();
                out.append("\n### ").append(section).append("\n");
            }
            out.append("\n**Q: ")
                    .append(note.question())
                    .append("**\n\n")
                    .append(note.answer())
                    .append("\n");
            if (!note.tags().isEmpty())
                out.append("\n_Tags: ").append(String.join(", ", note.tags())).append("_\n");
            if (note.status() != Note.CheckStatus.NONE)
                out.append("\n_Check: ").append(Notes.checkText(note)).append("_\n");
        }
        return out.toString();
    }

    /**
     * Anki's CSV import: the header lines tell it the separator, that fields are plain text, and
     * which column holds tags; fields are quoted as RFC 4180 says.
     */
    static String ankiCsv(List<Note> notes) {
        StringBuilder out = new StringBuilder("#separator:Comma\n#html:false\n#tags column:3\n");
        for (Note note : notes) {
            List<String> tags = new ArrayList<>();
            tags.add(note.notebook());
            tags.addAll(note.tags());
            String tagField =
                    String.join(" ", tags.stream().map(t -> t.replace(' ', '_')).toList());
            out.append(field(note.question()))
                    .append(',')
                    .append(field(note.answer()))
                    .append(',')
                    .append(field(tagField))
                    .append("\n");
        }
        return out.toString();
    }

    static String field(String value) {
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}

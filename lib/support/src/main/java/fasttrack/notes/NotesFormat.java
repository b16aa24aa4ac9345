package fasttrack.notes;

import fasttrack.notes.Note.CheckStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown a notebook's notes are stored in, readable and editable without the course:
 * <pre>
 * # Notes: 00-environment
 *
 * ## 1. The engine
 *
 * ### Q: Why does DJL run offline here?
 *
 * The answer, as Markdown paragraphs. A line that would start with '#', '\' or
 * '- tags:' / '- check:' is written with a '\' in front.
 *
 * - tags: djl, setup
 * - check: natives load without network — passed
 * </pre>
 * Blank lines between blocks are free; notes are grouped by section in the order first recorded.
 */
public final class NotesFormat {

    static final String HEADER = "# Notes: ";
    static final String SECTION = "## ";
    static final String QUESTION = "### Q: ";
    static final String TAGS = "- tags: ";
    static final String CHECK = "- check: ";
    static final String RESULT_SEPARATOR = " \u2014 ";

    private NotesFormat() {}

    public static String write(String notebook, List<Note> notes) {
        StringBuilder out = new StringBuilder(HEADER)
                .append(Notebooks.requireName(notebook))
                .append("\n");
        Map<String, List<Note>> bySection = new LinkedHashMap<>();
        for (Note note : notes)
            bySection.computeIfAbsent(note.section(), s -> new ArrayList<>()).add(note);
        bySection.forEach((section, sectionNotes) -> {
            out.append("\n").append(SECTION).append(section).append("\n");
            for (Note note : sectionNotes) {
                out.append("\n").append(QUESTION).append(note.question()).append("\n\n");
                note.answer().lines().forEach(line -> out.append(escape(line)).append("\n"));
                if (!note.tags().isEmpty() || note.status() != CheckStatus.NONE) out.append("\n");
                if (!note.tags().isEmpty())
                    out.append(TAGS).append(String.join(", ", note.tags())).append("\n");
                if (note.status() != CheckStatus.NONE) {
                    out.append(CHECK)
                            .append(note.check())
                            .append(RESULT_SEPARATOR)
                            .append(note.status().name().toLowerCase(Locale.ROOT))
                            .append("\n");
                }
            }
        });
        return out.toString();
    }

    private static String escape(String line) {
        boolean special = line.startsWith("#")
                || line.startsWith("\\")
                || line.startsWith(TAGS.strip())
                || line.startsWith(CHECK.strip());
        return special ? "\\" + line : line;
    }

    /** Parses {@code text} read from {@code file}, whose name gives the expected notebook. */
    public static List<Note> read(Path file, String notebook, String text) {
        return new Parser(file, notebook).parse(text);
    }

    /** A line-by-line state machine; every rejection names the line. */
    private static final class Parser {
        private final Path file;
        private final String notebook;
        private final List<Note> notes = new ArrayList<>();
        private String section;
        private String question;
        private int questionLine;
        private final List<String> answer = new ArrayList<>();
        private List<String> tags = List.of();
        private String check;
        private CheckStatus status = CheckStatus.NONE;
        private boolean inMetadata;

        Parser(Path file, String notebook) {
            this.file = file;
            this.notebook = notebook;
        }

        List<Note> parse(String text) {
            String[] lines = text.split("\\R", -1);
            int first = 0;
            while (first < lines.length && lines[first].isBlank()) first++;
            if (first == lines.length) return List.of();
            if (!lines[first].stripTrailing().equals(HEADER + notebook)) {
                throw error(first + 1, "expected the header '" + HEADER + notebook + "', found '" + lines[first] + "'");
            }
            for (int i = first + 1; i < lines.length; i++) line(i + 1, lines[i]);
            finishNote();
            return notes;
        }

        private void line(int number, String raw) {
            String line = raw.stripTrailing();
            if (line.startsWith(QUESTION)) {
                finishNote();
                if (section == null) throw error(number, "a question before any '## section' heading");
                question = line.substring(QUESTION.length());
                if (question.isBlank()) throw error(number, "a '### Q:' heading without a question");
                questionLine = number;
            } else if (line.startsWith(SECTION)) {
                finishNote();
                section = line.substring(SECTION.length()).strip();
                if (section.isEmpty()) throw error(number, "a '## ' section heading without a name");
            } else if (line.startsWith("#")) {
                throw error(
                        number,
                        "unexpected heading '" + line + "' (only '## section' and '### Q: question' are allowed;"
                                + " an answer line starting with '#' is written '\\#')");
            } else if (line.startsWith(TAGS.strip()) || line.startsWith(CHECK.strip())) {
                if (question == null) throw error(number, "'" + line + "' outside a note");
                inMetadata = true;
                if (line.startsWith(TAGS.strip())) {
                    tags = Arrays.stream(line.substring(TAGS.strip().length()).split(","))
                            .map(String::strip)
                            .filter(t -> !t.isEmpty())
                            .toList();
                } else {
                    parseCheck(number, line.substring(CHECK.strip().length()).strip());
                }
            } else if (!line.isBlank()) {
                if (question == null) throw error(number, "text outside a note: '" + line + "'");
                if (inMetadata) throw error(number, "answer text after the note's '- tags:'/'- check:' lines");
                answer.add(line.startsWith("\\") ? line.substring(1) : line);
            } else if (question != null && !inMetadata) {
                answer.add("");
            }
        }

        private void parseCheck(int number, String value) {
            int separator = value.lastIndexOf(RESULT_SEPARATOR.strip());
            String result = separator < 0 ? "" : value.substring(separator + 1).strip();
            if (separator < 0 || !(result.equals("passed") || result.equals("failed"))) {
                throw error(
                        number,
                        "expected '- check: <what it proves> \u2014 passed' (or failed), found '- check: " + value
                                + "'");
            }
            check = value.substring(0, separator).strip();
            status = result.equals("passed") ? CheckStatus.PASSED : CheckStatus.FAILED;
        }

        private void finishNote() {
            if (question == null) return;
            String text = String.join("\n", answer);
            if (text.isBlank()) throw error(questionLine, "the question '" + question + "' has no answer");
            notes.add(new Note(notebook, section, question, text, tags, check, status));
            question = null;
            answer.clear();
            tags = List.of();
            check = null;
            status = CheckStatus.NONE;
            inMetadata = false;
        }

        private NotesFormatException error(int line, String problem) {
            return new NotesFormatException(file, line, problem);
        }
    }
}

package fasttrack.notes;

import java.util.List;

/**
 * One study note: a question, its answer, where it belongs, and optionally a check whose result
 * backs the answer up.
 *
 * <p>Text is normalised on the way in (single-line question, section and tags; answer without
 * trailing spaces, surrounding blank lines or common indentation) so that what is stored reads
 * back identically.
 */
public record Note(
        String notebook,
        String section,
        String question,
        String answer,
        List<String> tags,
        String check,
        CheckStatus status) {

    public enum CheckStatus {
        NONE,
        PASSED,
        FAILED
    }

    public Note {
        notebook = Notebooks.requireName(notebook);
        section = oneLine("section", section);
        question = oneLine("question", question);
        answer = answerText(answer);
        tags = tags == null
                ? List.of()
                : tags.stream().map(Note::tag).distinct().toList();
        if (status == null || status == CheckStatus.NONE || check == null || check.isBlank()) {
            check = null;
            status = CheckStatus.NONE;
        } else {
            check = oneLine("check description", check);
        }
    }

    public Note(String notebook, String section, String question, String answer, List<String> tags) {
        this(notebook, section, question, answer, tags, null, CheckStatus.NONE);
    }

    /** Same question, after whitespace is collapsed: the note's identity within its notebook. */
    boolean sameQuestion(String other) {
        return question.equals(oneLine("question", other));
    }

    Note withCheck(String description, CheckStatus result) {
        return new Note(notebook, section, question, answer, tags, description, result);
    }

    static String oneLine(String what, String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the " + what + " must not be blank");
        return text.strip().replaceAll("\\s+", " ");
    }

    /**
     * Trailing spaces and surrounding blank lines go, and so does indentation common to all lines
     * (a text block's or a pasted snippet's), but relative indentation (code in an answer) stays.
     */
    private static String answerText(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the answer must not be blank");
        List<String> lines = text.lines()
                .map(String::stripTrailing)
                .dropWhile(String::isEmpty)
                .toList();
        int end = lines.size();
        while (lines.get(end - 1).isEmpty()) end--;
        lines = lines.subList(0, end);
        int indent = lines.stream()
                .filter(l -> !l.isEmpty())
                .mapToInt(Note::indentOf)
                .min()
                .orElse(0);
        return String.join(
                "\n",
                lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }

    private static int indentOf(String line) {
        int i = 0;
        while (Character.isWhitespace(line.charAt(i))) i++;
        return i;
    }

    private static String tag(String tag) {
        String clean = oneLine("tag", tag);
        if (clean.contains(",")) throw new IllegalArgumentException("a tag cannot contain a comma: '" + clean + "'");
        return clean;
    }
}

package fasttrack.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fasttrack.notes.Note.CheckStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotesFormatTest {

    private static final Path FILE = Path.of("data/notes/nb.md");

    private static List<Note> roundTrip(List<Note> notes) {
        return NotesFormat.read(FILE, "nb", NotesFormat.write("nb", notes));
    }

    @Test
    void trickyTextSurvivesARoundTrip() {
        List<Note> notes = List.of(
                new Note(
                        "nb",
                        "1. Ünïcödé ∑",
                        "What is softmax(x)ᵢ?",
                        "exp(xᵢ) / Σ exp(xⱼ)\n\nSecond paragraph.",
                        List.of("math", "attention")),
                new Note(
                        "nb",
                        "1. Ünïcödé ∑",
                        "Headings inside answers?",
                        "# not a heading\n## nor this\n\\ a backslash\n- tags: not metadata\n- check: nor this",
                        List.of()),
                new Note(
                        "nb",
                        "2. Checks",
                        "Does it pass?",
                        "Yes.",
                        List.of("x y"),
                        "rows sum to 1",
                        CheckStatus.PASSED),
                new Note(
                        "nb",
                        "2. Checks",
                        "Does it fail?",
                        "Sometimes \u2014 honestly.",
                        List.of(),
                        "never true",
                        CheckStatus.FAILED));
        assertEquals(notes, roundTrip(notes));
    }

    @Test
    void textIsNormalisedOnTheWayIn() {
        Note note = new Note(
                "nb", "  s  ", " What   is\n a question? ", "\n\nline one   \nline two\t\n\n", List.of(" t ", "t"));
        assertEquals("What is a question?", note.question());
        assertEquals("line one\nline two", note.answer());
        assertEquals(List.of("t"), note.tags());
        assertEquals(List.of(note), roundTrip(List.of(note)));
    }

    @Test
    void indentationAndTrailingSpacesAreNormalisedOnceAndThenKept() {
        Note note = new Note(
                "nb", "s", "Code?", "\n    Like this:   \n\n        for (int i : xs) sum += i;\n    \n", List.of());
        assertEquals(
                "Like this:\n\n    for (int i : xs) sum += i;",
                note.answer(),
                "common indentation goes, relative stays");
        assertEquals(List.of(note), roundTrip(List.of(note)));
    }

    @Test
    void onlyRealQuestionsMatchTheHarnessPattern() {
        Note tricky = new Note("nb", "s", "Real?", "### Q: a fake question in an answer\n  ### Q: indented", List.of());
        String text = NotesFormat.write("nb", List.of(tricky));
        assertEquals(1, text.lines().filter(l -> l.matches("^### Q: .*")).count(), text);
        assertEquals(List.of(tricky), roundTrip(List.of(tricky)));
    }

    @Test
    void crlfAndExtraBlankLinesAreRead() {
        String text = "# Notes: nb\r\n\r\n\r\n## S\r\n### Q: q?\r\nanswer  \r\n\r\n- tags: a,b\r\n";
        assertEquals(
                List.of(new Note("nb", "S", "q?", "answer", List.of("a", "b"))), NotesFormat.read(FILE, "nb", text));
    }

    /** The course's committed notes must read back and rewrite byte for byte, or reruns would churn them. */
    @Test
    void theCommittedNotesRoundTripByteForByte() throws Exception {
        Path committed = Path.of("../../data/notes"); // tests run in lib/fasttrack
        assumeTrue(Files.isDirectory(committed), "no committed notes beside this checkout");
        NoteStore store = new NoteStore(committed);
        for (String notebook : store.notebooks()) {
            assertEquals(
                    Files.readString(store.file(notebook)),
                    NotesFormat.write(notebook, store.read(notebook)),
                    notebook);
        }
    }

    @Test
    void anEmptyFileHasNoNotes() {
        assertEquals(List.of(), NotesFormat.read(FILE, "nb", "\n\n"));
    }

    private static String errorOf(String text) {
        return assertThrows(NotesFormatException.class, () -> NotesFormat.read(FILE, "nb", text))
                .getMessage();
    }

    @Test
    void malformedFilesNameTheLine() {
        assertTrue(
                errorOf("# Notes: other\n").startsWith(FILE + ":1: expected the header '# Notes: nb'"),
                errorOf("# Notes: other\n"));
        assertTrue(errorOf("# Notes: nb\n### Q: q\na\n").startsWith(FILE + ":2: a question before any '## section'"));
        assertTrue(errorOf("# Notes: nb\n## S\n### Q: q\na\n#### deep\n").startsWith(FILE + ":5: unexpected heading"));
        assertTrue(errorOf("# Notes: nb\n## S\nstray text\n").startsWith(FILE + ":3: text outside a note"));
        assertTrue(errorOf("# Notes: nb\n## S\n### Q: q\n\n## T\n")
                .startsWith(FILE + ":3: the question 'q' has no answer"));
        assertTrue(errorOf("# Notes: nb\n## S\n### Q: q\na\n- check: maybe\n")
                .startsWith(FILE + ":5: expected '- check:"));
        assertTrue(errorOf("# Notes: nb\n## S\n### Q: q\na\n- tags: x\nmore answer\n")
                .startsWith(FILE + ":6: answer text after"));
        assertTrue(errorOf("# Notes: nb\n## S\n### Q: q\na\n- tags: x\nmore answer\n")
                .endsWith("nothing was written."));
    }

    @Test
    void badNotesAreRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> new Note("nb", "s", " ", "a", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Note("nb", "s", "q", null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Note("nb", "s", "q", "a", List.of("a,b")));
        for (String bad : new String[] {"../evil", "a/b", "", ".hidden", "x..y"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Note(bad, "s", "q", "a", List.of()));
            assertTrue(e.getMessage().contains("notebook name"), e.getMessage());
        }
    }
}

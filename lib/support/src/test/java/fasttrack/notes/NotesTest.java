package fasttrack.notes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.check.CheckFailed;
import fasttrack.io.AtomicFiles;
import fasttrack.notes.Note.CheckStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void useTempStore() {
        System.setProperty("fasttrack.notes.dir", dir.toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty("fasttrack.notes.dir");
    }

    private static List<String> questions(List<Note> notes) {
        return notes.stream().map(Note::question).toList();
    }

    @Test
    void reRecordingIsIdempotentAndUpdatesInPlace() throws Exception {
        Notes notes = Notes.forNotebook("01-tensors").section("1. Shapes");
        notes.record("What is a shape?", "The size of each axis.", "tensors");
        notes.record("What is a dtype?", "The element type.");
        byte[] first = Files.readAllBytes(notes.file());
        notes.record("What is a shape?", "The size of each axis.", "tensors");
        assertArrayEquals(first, Files.readAllBytes(notes.file()), "a rerun leaves the file byte-identical");

        notes.record("What  is a shape?", "The length of each axis.", "tensors");
        assertEquals(
                List.of("What is a shape?", "What is a dtype?"), questions(notes.notes()), "updated, not duplicated");
        assertEquals("The length of each axis.", notes.notes().get(0).answer());

        notes.section("2. Views").record("What is a shape?", "Moved here.");
        assertEquals(List.of("What is a dtype?", "What is a shape?"), questions(notes.notes()));
        assertEquals("2. Views", notes.notes().get(1).section());
    }

    @Test
    void checksAreStoredAndAFailedOneFailsTheCell() {
        Notes notes = Notes.forNotebook("nb").section("s");
        notes.record("Does 1 + 1 equal 2?", "Yes.").check("1 + 1 == 2", () -> 1 + 1 == 2);
        assertEquals(CheckStatus.PASSED, notes.notes().get(0).status());
        assertThrows(CheckFailed.class, () -> notes.record("Is 0 > 1?", "No.").check("0 > 1", () -> 0 > 1));
        var thrown = assertThrows(
                CheckFailed.class,
                () -> notes.record("Does it throw?", "It does.").check("throws", () -> {
                    throw new IllegalStateException("bad");
                }));
        assertTrue(thrown.getMessage().contains("IllegalStateException: bad"), thrown.getMessage());
        assertTrue(thrown instanceof AssertionError, "an AssertionError, so the cell fails loudly");
        assertEquals(
                List.of(CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.FAILED),
                notes.notes().stream().map(Note::status).toList(),
                "failed checks are recorded too");
        notes.record("Does 1 + 1 equal 2?", "Yes, still.");
        assertEquals(CheckStatus.PASSED, notes.notes().get(0).status(), "re-recording keeps the check's result");
    }

    @Test
    void quizHidesAnswersAndRerunsChecks() throws Exception {
        Notes notes = Notes.forNotebook("nb").section("s");
        int[] runs = {0};
        notes.record("Secret question?", "Hidden answer.").check("counted", () -> ++runs[0] > 0);
        notes.record("Another?", "Also hidden.");
        Quiz quiz = notes.quiz();
        assertEquals(2, runs[0], "the check ran again for the quiz");
        assertEquals(1, quiz.checksPassed());
        assertFalse(quiz.toString().contains("Hidden answer."), quiz.toString());
        String html = quiz.mimeBundle().get("text/html");
        assertTrue(html.contains("<details><summary>Secret question?</summary><p>Hidden answer.</p>"), html);
        assertTrue(html.contains("\u2713 counted</p>"), html);

        // A new session (no lambdas in memory) shows what the file remembers instead.
        String later = Notes.forNotebook("nb", dir.resolve("elsewhere"))
                .quiz()
                .mimeBundle()
                .get("text/html");
        assertFalse(later.contains("counted"), "checks are per store");
        Files.copy(notes.file(), dir.resolve("other.md"));
        Files.writeString(
                dir.resolve("other.md"),
                Files.readString(dir.resolve("other.md")).replace("# Notes: nb", "# Notes: other"));
        String remembered = Notes.forNotebook("other").quiz().mimeBundle().get("text/html");
        assertTrue(remembered.contains("\u2713 counted <i>(as last recorded"), remembered);
    }

    @Test
    void searchAndTagsSpanNotebooks() {
        Notes.forNotebook("01-a").section("s").record("Why offline?", "No network at run time.", "djl", "setup");
        Notes.forNotebook("02-b").section("Offline data").record("Where is the corpus?", "In data/.", "data");
        Notes.forNotebook("02-b").section("t").record("Unrelated?", "Yes.");
        assertEquals(
                List.of("Why offline?", "Where is the corpus?"),
                Notes.search("OFFLINE").table().stringColumn("question").asList());
        assertEquals(
                List.of("Why offline?"),
                Notes.tagged("Setup").table().stringColumn("question").asList());
        assertEquals(0, Notes.search("nothing like this").table().rowCount());
    }

    @Test
    void tablesShowTheSectionOrTheNotebook() {
        Notes notes = Notes.forNotebook("nb").section("one");
        notes.record("Q1?", "A1");
        notes.section("two").record("Q2?", "A2").check("true", () -> true);
        assertEquals(
                List.of("Q2?"), notes.table().table().stringColumn("question").asList());
        assertEquals(
                List.of("Q1?", "Q2?"),
                notes.all().table().stringColumn("question").asList());
        assertEquals("\u2713 true", notes.all().table().stringColumn("check").get(1));
    }

    @Test
    void exportsMarkdownAndAnkiCsv() throws Exception {
        Notes notes = Notes.forNotebook("05-embed").section("Vectors");
        notes.record("What is \"cosine\" similarity?", "The angle's cosine,\nfrom -1 to 1.", "math", "two words");
        String md = Files.readString(Notes.exportMarkdown(dir.resolve("out/notes.md")));
        assertTrue(
                md.startsWith("# Study notes\n\n## 05-embed\n\n### Vectors\n\n**Q: What is \"cosine\" similarity?**"),
                md);
        String csv = Files.readString(Notes.exportAnkiCsv(dir.resolve("out/anki.csv")), StandardCharsets.UTF_8);
        assertEquals(
                "#separator:Comma\n#html:false\n#tags column:3\n"
                        + "\"What is \"\"cosine\"\" similarity?\",\"The angle's cosine,\nfrom -1 to 1.\",05-embed math two_words\n",
                csv);
        assertEquals(
                List.of(
                        "What is \"cosine\" similarity?",
                        "The angle's cosine,\nfrom -1 to 1.",
                        "05-embed math two_words"),
                parseCsvRecord(csv.substring(csv.indexOf("\"What"))));
    }

    /** A minimal RFC 4180 reader for one record, to prove the export parses back. */
    private static List<String> parseCsvRecord(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') quoted = false;
                else field.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') break;
            else field.append(c);
        }
        fields.add(field.toString());
        return fields;
    }

    @Test
    void aCorruptFileIsNeverOverwritten() throws Exception {
        Notes notes = Notes.forNotebook("nb");
        Files.createDirectories(dir);
        String handEdited = "# Notes: nb\n## S\n### Q: q?\nanswer\n#### oops\n";
        Files.writeString(notes.file(), handEdited);
        var e = assertThrows(
                NotesFormatException.class, () -> notes.section("S").record("new?", "note"));
        assertTrue(e.getMessage().contains("nb.md:5: unexpected heading"), e.getMessage());
        assertEquals(handEdited, Files.readString(notes.file()));
        Files.write(notes.file(), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertTrue(assertThrows(NotesFormatException.class, notes::notes)
                .getMessage()
                .contains("not UTF-8"));
    }

    @Test
    void leftoverTempFilesAreIgnored() throws Exception {
        Notes notes = Notes.forNotebook("nb").section("s");
        notes.record("Q?", "A");
        Files.writeString(dir.resolve(".tmp-nb.md-123"), "# Notes: nb\n## half writ"); // a crash mid-write
        assertEquals(List.of("nb"), new NoteStore(dir).notebooks());
        assertEquals(1, Notes.everything().size());
    }

    @Test
    void aWriteInterruptedBeforeTheRenameLeavesTheOldFile() throws Exception {
        Notes notes = Notes.forNotebook("nb").section("s");
        notes.record("Kept?", "Yes.");
        String before = Files.readString(notes.file());
        Path temp = dir.resolve(AtomicFiles.TEMP_PREFIX + "nb.md-interrupted");
        NoteStore crashing = new NoteStore(dir, (file, text) -> {
            Files.writeString(temp, text.substring(0, text.length() / 2));
            throw new IllegalStateException("power cut");
        });
        assertThrows(
                IllegalStateException.class,
                () -> new Notes(crashing, "nb").section("s").record("Lost?", "Yes."));
        assertEquals(before, Files.readString(notes.file()), "the old file is intact");
        assertEquals(List.of("Kept?"), questions(notes.notes()), "readers ignore the half-written temp");
        assertEquals(List.of("nb"), new NoteStore(dir).notebooks());

        notes.record("Next?", "Written.");
        assertFalse(Files.exists(temp), "the next write cleans the leftover up");
        assertEquals(List.of("Kept?", "Next?"), questions(notes.notes()));
    }

    @Test
    void aWriterKilledMidWriteReleasesTheLockAndLosesNothing() throws Exception {
        Notes notes = Notes.forNotebook("nb").section("s");
        notes.record("Kept?", "Yes.");
        Process crashed = new ProcessBuilder(javaCommand(CrashingWriter.class, dir.toString(), "nb"))
                .inheritIO()
                .start();
        assertTrue(crashed.waitFor(120, TimeUnit.SECONDS), "the crashing writer ended");
        assertEquals(3, crashed.exitValue(), "it died mid-write, as intended");
        assertTrue(Files.exists(dir.resolve(AtomicFiles.TEMP_PREFIX + "nb.md-crashed")), "it left a half-written temp");

        notes.record("After the crash?", "The lock died with the process.");
        assertEquals(List.of("Kept?", "After the crash?"), questions(notes.notes()));
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of(".nb.md.lock", "nb.md"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    private static List<String> javaCommand(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void concurrentThreadsLoseNoNote() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                Notes notes = Notes.forNotebook("shared").section("s");
                for (int i = 0; i < 10; i++) notes.record("thread " + thread + " question " + i + "?", "answer");
            }));
        }
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(80, Notes.forNotebook("shared").notes().size());
    }

    @Test
    void concurrentProcessesLoseNoNote() throws Exception {
        List<Process> writers = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            writers.add(new ProcessBuilder(javaCommand(ConcurrentWriter.class, dir.toString(), "shared", name, "15"))
                    .inheritIO()
                    .start());
        }
        for (Process p : writers) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "writer finished");
            assertEquals(0, p.exitValue());
        }
        assertEquals(45, Notes.forNotebook("shared").notes().size());
    }

    @Test
    void badInputIsExplained() {
        assertThrows(IllegalArgumentException.class, () -> Notes.forNotebook("../etc"));
        Notes notes = Notes.forNotebook("nb");
        assertThrows(IllegalArgumentException.class, () -> notes.record("", "a"));
        assertThrows(IllegalArgumentException.class, () -> notes.record("q?", " "));
        assertThrows(IllegalArgumentException.class, () -> notes.section(null));
        assertThrows(
                IllegalArgumentException.class, () -> notes.record("q?", "a").check(" ", () -> true));
    }
}

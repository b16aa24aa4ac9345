package fasttrack.notes;

import fasttrack.check.Check;
import fasttrack.io.AtomicFiles;
import fasttrack.notes.Note.CheckStatus;
import fasttrack.runtime.Course;
import fasttrack.show.TableView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Q&amp;A study notes recorded from notebook cells:
 * <pre>
 * var notes = Notes.forNotebook("00-environment");
 * notes.section("1. The engine");
 * notes.record("Why does DJL run offline here?", "Because ...", "djl", "setup");
 * notes.record("Do softmax rows sum to 1?", "Yes ...").check("softmax rows sum to 1", () -> ...);
 * notes.table();                       // this section's notes
 * </pre>
 * Notes live in {@code data/notes/<notebook>.md} (see {@link NotesFormat}); recording the same
 * question again updates it in place, and moves it if the section changed.
 */
public final class Notes {

    /** Checks by store, notebook and question, kept for this session so {@link #quiz()} can run them again. */
    private static final Map<String, NamedCheck> CHECKS = new ConcurrentHashMap<>();

    private record NamedCheck(String description, BooleanSupplier check) {}

    private final NoteStore store;
    private final String notebook;
    private String section = "Notes";

    Notes(NoteStore store, String notebook) {
        this.store = store;
        this.notebook = Notebooks.requireName(notebook);
    }

    /** Notes of {@code notebook}, stored in {@link #dir()}. */
    public static Notes forNotebook(String notebook) {
        return new Notes(new NoteStore(dir()), notebook);
    }

    public static Notes forNotebook(String notebook, Path dir) {
        return new Notes(new NoteStore(dir), notebook);
    }

    /**
     * Where notes live: system property {@code fasttrack.notes.dir}, else {@code FASTTRACK_NOTES_DIR},
     * else {@code data/notes} of the course ({@code FASTTRACK_HOME}, or the nearest folder above the
     * working directory that has both {@code notebooks/} and {@code data/}).
     */
    public static Path dir() {
        String explicit = System.getProperty("fasttrack.notes.dir", System.getenv("FASTTRACK_NOTES_DIR"));
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        try {
            return Course.data("notes");
        } catch (IllegalStateException unknown) {
            throw new IllegalStateException(
                    unknown.getMessage() + " (or FASTTRACK_NOTES_DIR to a notes folder)", unknown);
        }
    }

    public String notebook() {
        return notebook;
    }

    public Path file() {
        return store.file(notebook);
    }

    /** The section the following notes belong to. */
    public Notes section(String name) {
        this.section = Note.oneLine("section", name);
        return this;
    }

    /** Records (or updates) a note in the current section. */
    public Recorded record(String question, String answer, String... tags) {
        Note note = new Note(notebook, section, question, answer, List.of(tags));
        store.update(notebook, notes -> {
            int at = indexOf(notes, note.question());
            if (at < 0) {
                notes.add(note);
            } else {
                Note old = notes.get(at);
                Note updated = note.withCheck(old.check(), old.status());
                if (old.section().equals(note.section())) notes.set(at, updated);
                else {
                    notes.remove(at);
                    notes.add(updated);
                } // moved: it joins its new section
            }
            return notes;
        });
        return new Recorded(note.question());
    }

    private static int indexOf(List<Note> notes, String question) {
        for (int i = 0; i < notes.size(); i++) if (notes.get(i).sameQuestion(question)) return i;
        return -1;
    }

    /** A just-recorded note, to attach a check to. */
    public final class Recorded {
        private final String question;

        private Recorded(String question) {
            this.question = question;
        }

        /**
         * Runs {@code check}, stores whether it passed, and keeps it for {@link #quiz()}. A check that
         * fails (or throws) is stored as failed and then fails the cell.
         */
        public Recorded check(String description, BooleanSupplier check) {
            String what = Note.oneLine("check description", description);
            CHECKS.put(key(question), new NamedCheck(what, check));
            Outcome outcome = Outcome.of(check);
            store.update(notebook, notes -> {
                int at = indexOf(notes, question);
                if (at >= 0)
                    notes.set(
                            at,
                            notes.get(at).withCheck(what, outcome.passed() ? CheckStatus.PASSED : CheckStatus.FAILED));
                return notes;
            });
            Check.that(outcome.passed(), what + outcome.detail());
            return this;
        }
    }

    record Outcome(boolean passed, String detail) {
        static Outcome of(BooleanSupplier check) {
            try {
                return new Outcome(check.getAsBoolean(), "");
            } catch (Exception | AssertionError e) {
                return new Outcome(false, " (threw " + e + ")");
            }
        }
    }

    private String key(String question) {
        return store.file(notebook) + "\n" + question;
    }

    /** All notes of this notebook. */
    public List<Note> notes() {
        return store.read(notebook);
    }

    /** The current section's notes, as a table. */
    public TableView table() {
        return view(
                notebook + " \u00b7 " + section,
                notes().stream().filter(n -> n.section().equals(section)).toList());
    }

    /** Every note of this notebook, as a table. */
    public TableView all() {
        return view(notebook, notes());
    }

    /** This notebook's questions with answers hidden, and this session's checks run again. */
    public Quiz quiz() {
        List<Quiz.Item> items = new ArrayList<>();
        for (Note note : notes()) {
            NamedCheck check = CHECKS.get(key(note.question()));
            Outcome outcome = check == null ? null : Outcome.of(check.check());
            items.add(new Quiz.Item(
                    note, check == null ? null : check.description(), outcome == null ? null : outcome.passed()));
        }
        return new Quiz(notebook, items);
    }

    /** Notes of every notebook whose question, answer, section or tags contain {@code text} (any case). */
    public static TableView search(String text) {
        String needle = Note.oneLine("search text", text).toLowerCase(Locale.ROOT);
        return view(
                "notes matching '" + text.strip() + "'",
                everywhere(n -> (n.question() + "\n" + n.answer() + "\n" + n.section() + "\n"
                                + String.join("\n", n.tags()))
                        .toLowerCase(Locale.ROOT)
                        .contains(needle)));
    }

    /** Notes of every notebook carrying {@code tag} (any case). */
    public static TableView tagged(String tag) {
        String wanted = Note.oneLine("tag", tag);
        return view(
                "notes tagged '" + wanted + "'",
                everywhere(n -> n.tags().stream().anyMatch(t -> t.equalsIgnoreCase(wanted))));
    }

    /** Every notebook's notes, in notebook order. */
    public static List<Note> everything() {
        return everywhere(n -> true);
    }

    private static List<Note> everywhere(Predicate<Note> keep) {
        NoteStore store = new NoteStore(dir());
        return store.notebooks().stream()
                .flatMap(nb -> store.read(nb).stream())
                .filter(keep)
                .toList();
    }

    /** All notes as one Markdown document, grouped by notebook then section. */
    public static Path exportMarkdown(Path target) throws IOException {
        return AtomicFiles.write(target, NotesExport.markdown(everything()));
    }

    /** All notes as a CSV that Anki imports (Front, Back, Tags). */
    public static Path exportAnkiCsv(Path target) throws IOException {
        return AtomicFiles.write(target, NotesExport.ankiCsv(everything()));
    }

    private static TableView view(String title, List<Note> notes) {
        Table table = Table.create(
                title,
                StringColumn.create("notebook", notes.stream().map(Note::notebook)),
                StringColumn.create("section", notes.stream().map(Note::section)),
                StringColumn.create("question", notes.stream().map(Note::question)),
                StringColumn.create("answer", notes.stream().map(Note::answer)),
                StringColumn.create("tags", notes.stream().map(n -> String.join(", ", n.tags()))),
                StringColumn.create("check", notes.stream().map(Notes::checkText)));
        return TableView.of(table, Math.max(1, notes.size()));
    }

    static String checkText(Note note) {
        return switch (note.status()) {
            case NONE -> "";
            case PASSED -> "\u2713 " + note.check();
            case FAILED -> "\u2717 " + note.check();
        };
    }
}

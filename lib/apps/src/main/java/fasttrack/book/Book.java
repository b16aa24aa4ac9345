package fasttrack.book;

import fasttrack.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The course as a book: the executed notebooks (outputs, tables and plots included) rendered into a
 * static HTML site, one page per notebook ({@code NN-name.ipynb} to {@code NN-name.html}) with
 * previous/next links, a contents page ({@code index.html}) listing every notebook's title and sections,
 * one {@code style.css}, and the math's scripts in {@code assets/}: MathJax, copied from the machine
 * ({@link MathJax}). Plots are inside the pages as {@code data:} URIs, so the book opens from the folder with
 * no network and no server.
 *
 * <p>It renders what {@code lib/bin/test} executed (target/executed-notebooks/), not the committed
 * notebooks, which have no outputs. Every page is rendered before the first file is written, and each
 * file is replaced atomically, so a notebook that cannot be read leaves the previous book as it was.
 * Pages of notebooks that are gone are removed (only pages this class wrote).
 */
public final class Book {

    public static final String TITLE = "LLM FastTrack for Java";
    static final Path DEFAULT_NOTEBOOKS = Path.of("target", "executed-notebooks");
    static final Path DEFAULT_OUT = Path.of("target", "book");

    private Book() {}

    /**
     * Renders every {@code *.ipynb} in {@code notebooksDir}, in file-name order, into {@code outDir}, with the
     * math typeset by the MathJax 2.7 in {@code mathJaxDir} (copied into the book).
     *
     * @return the files written: style.css, assets/math.js, the copy of MathJax, the pages in order, then index.html
     * @throws IllegalArgumentException when the folder is missing or holds no notebook, a notebook is not valid JSON,
     *                                  or MathJax is not in {@code mathJaxDir}
     */
    public static List<Path> render(Path notebooksDir, Path outDir, Path mathJaxDir) throws IOException {
        MathJax mathJax = new MathJax(mathJaxDir);
        List<Path> notebooks = notebooksIn(notebooksDir);
        List<Chapter> chapters = new ArrayList<>();
        for (Path notebook : notebooks) chapters.add(Chapter.read(notebook));

        Map<String, String> pages = new LinkedHashMap<>();
        for (int i = 0; i < chapters.size(); i++) pages.put(chapters.get(i).file(), Layout.page(TITLE, chapters, i));
        pages.put(Layout.CONTENTS, Layout.contents(TITLE, chapters));

        List<Path> written = new ArrayList<>();
        written.add(AtomicFiles.write(outDir.resolve(Layout.STYLESHEET), resource(Layout.STYLESHEET)));
        written.add(AtomicFiles.write(outDir.resolve(MathJax.CONFIG), resource("math.js")));
        written.addAll(mathJax.copyInto(outDir));
        for (Map.Entry<String, String> page : pages.entrySet()) {
            written.add(AtomicFiles.write(outDir.resolve(page.getKey()), page.getValue()));
        }
        removeStalePages(outDir, pages.keySet());
        return List.copyOf(written);
    }

    /**
     * A page whose notebook is gone (renamed, removed) would stay in the folder, linked from nowhere; it
     * goes, but only if this renderer wrote it: other files in the folder are not ours to delete.
     */
    private static void removeStalePages(Path outDir, Set<String> current) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.list(outDir)) {
            stale = files.filter(f -> f.getFileName().toString().endsWith(".html"))
                    .filter(f -> !current.contains(f.getFileName().toString()))
                    .toList();
        }
        for (Path page : stale) {
            if (Files.isRegularFile(page)
                    && Files.readString(page, StandardCharsets.UTF_8).contains(Layout.GENERATOR)) {
                Files.delete(page);
            }
        }
    }

    /**
     * {@code lib/bin/book [NOTEBOOKS_DIR] [OUT_DIR]}: defaults target/executed-notebooks and target/book; MathJax
     * from Debian's package, or the folder FASTTRACK_MATHJAX names.
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 2) {
            System.err.println("usage: Book [NOTEBOOKS_DIR] [OUT_DIR] (defaults " + DEFAULT_NOTEBOOKS + " and "
                    + DEFAULT_OUT + ")");
            System.exit(2);
        }
        Path notebooks = args.length > 0 ? Path.of(args[0]) : DEFAULT_NOTEBOOKS;
        Path out = args.length > 1 ? Path.of(args[1]) : DEFAULT_OUT;
        try {
            List<Path> written = render(notebooks, out, MathJax.installedFolder());
            long pages = written.stream()
                            .filter(f -> f.getFileName().toString().endsWith(".html"))
                            .count()
                    - 1;
            System.out.println("Rendered " + pages + " notebooks from " + notebooks + " into " + out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static List<Path> notebooksIn(Path dir) throws IOException {
        String runFirst = "Run the notebooks first: lib/bin/test executes them and writes target/executed-notebooks/.";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "no folder of executed notebooks at " + dir.toAbsolutePath() + ". " + runFirst);
        }
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(dir)) {
            notebooks = files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".ipynb")
                            && !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        if (notebooks.isEmpty()) {
            throw new IllegalArgumentException("no notebooks (*.ipynb) in " + dir.toAbsolutePath() + ". " + runFirst);
        }
        for (Path notebook : notebooks) {
            String page = notebook.getFileName().toString().replaceFirst("\\.ipynb$", ".html");
            if (page.equals(Layout.CONTENTS)) {
                throw new IllegalArgumentException(notebook + " would be rendered over the contents page ("
                        + Layout.CONTENTS + "): rename the notebook.");
            }
        }
        return notebooks;
    }

    /** style.css or math.js, from the jar. */
    private static String resource(String name) throws IOException {
        try (InputStream in = Book.class.getResourceAsStream(name)) {
            if (in == null)
                throw new IllegalStateException(
                        name + " is missing from the fasttrack jar: rebuild it (mvn -B package -DskipTests)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package fasttrack.book;

import fasttrack.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The book's formulas typeset in the browser with no network: MathJax 2.7 copied from the machine into the
 * book ({@code assets/mathjax/}), and {@code assets/math.js}, which configures it and hands it the math that
 * {@link MathSpans} marked, so MathJax never searches the text for dollars with rules of its own.
 *
 * <p>Why MathJax 2.7 and not KaTeX: it is what the notebooks were written and checked in. Debian's Jupyter
 * Notebook typesets with it and depends on its package (libjs-mathjax, with fonts-mathjax), so the setup
 * that runs the notebooks has already installed it, and the book accepts the same TeX as Jupyter did (AMS
 * environments, {@code \operatorname}, {@code \text}). KaTeX would be one more package and a second TeX
 * dialect, in which a formula that Jupyter showed could fail.
 *
 * <p>Only what a page can load is copied, about 1.3 MB of the package's 54: the loader, the TeX input, the
 * element jax, the CommonHTML output and its TeX fonts as WOFF (which every current browser reads; the
 * OpenType, SVG and EOT copies are for others), and all the extensions, because MathJax loads those on
 * demand (a TeX package such as {@code \cancel} when a formula uses it, the menu on a right click), so
 * today's formulas cannot tell which ones a reader will need.
 *
 * @param folder a MathJax 2.7 folder, the one holding MathJax.js
 */
record MathJax(Path folder) {

    static final Path DEBIAN = Path.of("/usr/share/javascript/mathjax");
    /** Names another MathJax 2.7 folder where the Debian package cannot be installed. */
    static final String ENV = "FASTTRACK_MATHJAX";
    /** Where the copy goes in the book. */
    static final String ASSETS = "assets/mathjax";
    /** The configuration, a resource beside this class, copied into the book. */
    static final String CONFIG = "assets/math.js";
    /** Both deferred, so they run in this order once the page is parsed: the configuration first. */
    static final String SCRIPTS = "<script src=\"" + CONFIG + "\" defer></script>\n" + "<script src=\"" + ASSETS
            + "/MathJax.js\" defer></script>\n";

    static final List<String> PARTS = List.of(
            "MathJax.js",
            "jax/input/TeX",
            "jax/element/mml",
            "jax/output/CommonHTML",
            "fonts/HTML-CSS/TeX/woff",
            "extensions");

    /** @throws IllegalArgumentException naming what to install when a part is missing */
    MathJax {
        List<String> missing = PARTS.stream()
                .filter(part -> !Files.exists(folder.resolve(part)))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no MathJax 2.7 at " + folder.toAbsolutePath() + " (missing "
                    + String.join(", ", missing)
                    + "): the book typesets its formulas with it, offline. Install it as root on Debian/Ubuntu:"
                    + " apt-get install --no-install-recommends libjs-mathjax fonts-mathjax; elsewhere set " + ENV
                    + " to a MathJax 2.7 folder (the one holding MathJax.js).");
        }
    }

    /** The folder named by FASTTRACK_MATHJAX, else Debian's. */
    static Path installedFolder() {
        String given = System.getenv(ENV);
        return given == null || given.isBlank() ? DEBIAN : Path.of(given);
    }

    /** Copies the parts into {@code book}'s assets/mathjax/, each file atomically, and returns the files written. */
    List<Path> copyInto(Path book) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String part : PARTS) {
            List<Path> files;
            try (Stream<Path> tree = Files.walk(folder.resolve(part), FileVisitOption.FOLLOW_LINKS)) {
                files = tree.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                Path target =
                        book.resolve(ASSETS).resolve(folder.relativize(file).toString());
                written.add(AtomicFiles.write(target, Files.readAllBytes(file)));
            }
        }
        return written;
    }
}

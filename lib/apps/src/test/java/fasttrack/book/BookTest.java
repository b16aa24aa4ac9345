package fasttrack.book;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BookTest {

    @TempDir
    Path dir;

    Path notebooks;
    Path mathJax;
    Path book;

    @BeforeEach
    void renderTheSamples() throws IOException {
        notebooks = SampleNotebooks.write(dir.resolve("executed"));
        mathJax = SampleNotebooks.mathJax(dir.resolve("mathjax"));
        book = dir.resolve("book");
    }

    private String page(String name) throws IOException {
        return Files.readString(book.resolve(name + ".html"));
    }

    private static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected to find\n  " + needle + "\nin\n" + haystack);
    }

    private static void assertLacks(String haystack, String needle) {
        assertFalse(haystack.contains(needle), () -> "did not expect\n  " + needle + "\nin\n" + haystack);
    }

    @Test
    void rendersOnePagePerNotebookPlusContentsAndStylesheet() throws IOException {
        List<Path> written = Book.render(notebooks, book, mathJax);
        assertEquals(
                List.of(
                        "style.css",
                        "assets/math.js",
                        "01-first-steps.html",
                        "02-the-middle.html",
                        "03-the-end.html",
                        "index.html"),
                written.stream()
                        .map(p -> book.relativize(p).toString())
                        .filter(p -> !p.startsWith(MathJax.ASSETS))
                        .toList());
        for (Path file : written) assertTrue(Files.size(file) > 0, file + " is empty");
        String css = Files.readString(book.resolve("style.css"));
        assertContains(css, "img { max-width: 100%;");
        assertContains(page("01-first-steps"), "<link rel=\"stylesheet\" href=\"style.css\">");
    }

    @Test
    void theContentsListEveryTitleAndItsSectionsAsAnchors() throws IOException {
        Book.render(notebooks, book, mathJax);
        String index = page("index");
        assertContains(index, "<a class=\"chapter\" href=\"01-first-steps.html\">01 · First steps</a>");
        assertContains(index, "<a class=\"chapter\" href=\"02-the-middle.html\">02 · The middle</a>");
        assertContains(index, "<a class=\"chapter\" href=\"03-the-end.html\">03 · The end</a>");
        assertContains(index, "<a href=\"01-first-steps.html#shapes-and-sizes\">Shapes and sizes</a>");
        assertContains(index, "<a href=\"01-first-steps.html#plots\">Plots</a>");
        assertContains(index, "<a href=\"02-the-middle.html#tables\">Tables</a>");
        assertTrue(
                index.indexOf("01-first-steps.html") < index.indexOf("02-the-middle.html")
                        && index.indexOf("02-the-middle.html") < index.indexOf("03-the-end.html"),
                "chapters in file-name order");
        String first = page("01-first-steps");
        assertContains(first, "<title>01 · First steps · LLM FastTrack for Java</title>");
        assertContains(first, "<h1 id=\"01-first-steps\">01 · First steps</h1>");
        assertContains(first, "<h2 id=\"shapes-and-sizes\">Shapes and sizes</h2>");
        assertContains(first, "<h2 id=\"plots\">Plots</h2>");
    }

    @Test
    void aRepeatedHeadingGetsAUniqueAnchor() throws IOException {
        Book.render(notebooks, book, mathJax);
        String last = page("03-the-end");
        assertContains(last, "<h2 id=\"check-yourself\">Check yourself</h2>");
        assertContains(last, "<h2 id=\"check-yourself-2\">Check yourself</h2>");
        assertContains(page("index"), "03-the-end.html#check-yourself-2");
    }

    @Test
    void pagesLinkToTheirNeighboursAndTheContents() throws IOException {
        Book.render(notebooks, book, mathJax);
        String first = page("01-first-steps");
        String middle = page("02-the-middle");
        String last = page("03-the-end");
        for (String page : List.of(first, middle, last))
            assertContains(page, "<a class=\"contents\" href=\"index.html\">Contents</a>");

        assertLacks(first, "rel=\"prev\"");
        assertContains(first, "<a class=\"next\" rel=\"next\" href=\"02-the-middle.html\">02 · The middle →</a>");
        assertContains(middle, "<a class=\"prev\" rel=\"prev\" href=\"01-first-steps.html\">← 01 · First steps</a>");
        assertContains(middle, "<a class=\"next\" rel=\"next\" href=\"03-the-end.html\">03 · The end →</a>");
        assertContains(last, "<a class=\"prev\" rel=\"prev\" href=\"02-the-middle.html\">← 02 · The middle</a>");
        assertLacks(last, "rel=\"next\"");
        assertContains(page("index"), "<a class=\"next\" rel=\"next\" href=\"01-first-steps.html\">");
    }

    @Test
    void mathKeepsItsUnderscoresAndAsterisks() throws IOException {
        Book.render(notebooks, book, mathJax);
        String first = page("01-first-steps");
        assertContains(first, "<span class=\"math\">x_{b,t} = a_1 * b_2 * c</span>");
        assertContains(first, "<div class=\"math display\">\\sum_i w_i * x_i</div>");
        assertLacks(first, "<em>");
        assertContains(first, "<code>a $code$ span</code>");
    }

    @Test
    void onlyMathIsMarkedForTypesettingNeitherPricesNorCode() throws IOException {
        Book.render(notebooks, book, mathJax);
        String first = page("01-first-steps");
        assertEquals(
                6,
                first.split("class=\"math", -1).length - 1,
                "x_{b,t}, the sum, √d in the heading, √d_k, softmax, the aligned pair");
        assertContains(first, "A GPU costs $5 and $10 an hour; <code>echo $HOME</code> is shell.");
        assertContains(first, "// $HOME, not $x_1$</code></pre>");
        assertContains(first, "<pre class=\"output\">echo $HOME costs $5, $x_1$ stays code\n</pre>");
    }

    @Test
    void thePartsOfMathJaxAPageLoadsAreCopiedIntoTheBookAndNothingElse() throws IOException {
        Book.render(notebooks, book, mathJax);
        List<String> copied;
        try (Stream<Path> files = Files.walk(book.resolve(MathJax.ASSETS))) {
            copied = files.filter(Files::isRegularFile)
                    .map(f -> book.resolve(MathJax.ASSETS).relativize(f).toString())
                    .sorted()
                    .toList();
        }
        assertEquals(
                List.of(
                        "MathJax.js",
                        "extensions/MathMenu.js",
                        "extensions/TeX/AMSmath.js",
                        "fonts/HTML-CSS/TeX/woff/MathJax_Main-Regular.woff",
                        "jax/element/mml/jax.js",
                        "jax/input/TeX/jax.js",
                        "jax/output/CommonHTML/jax.js"),
                copied,
                "not the SVG output, the OpenType fonts, the translations or the unpacked sources");
        for (String file : copied) {
            assertEquals(
                    Files.readString(mathJax.resolve(file)),
                    Files.readString(book.resolve(MathJax.ASSETS).resolve(file)),
                    file);
        }
        assertContains(Files.readString(book.resolve(MathJax.CONFIG)), "window.MathJax = {");
    }

    @Test
    void everyPageLoadsTheMathScriptsFromTheBookByRelativePaths() throws IOException {
        Book.render(notebooks, book, mathJax);
        for (String name : List.of("01-first-steps", "02-the-middle", "03-the-end", "index")) {
            String page = page(name);
            assertContains(
                    page,
                    "<script src=\"assets/math.js\" defer></script>\n<script src=\"assets/mathjax/MathJax.js\" defer></script>");
            Matcher links = Pattern.compile("(?:src|href)=\"([^\"#]+)").matcher(page);
            int local = 0;
            while (links.find()) {
                String link = links.group(1);
                if (link.startsWith("data:")) continue;
                assertFalse(
                        link.startsWith("/") || link.contains(":"),
                        name + ": " + link + " is not a path relative to the page");
                assertTrue(Files.isRegularFile(book.resolve(link)), name + ": " + link + " is not in the book");
                local++;
            }
            assertTrue(local >= 3, name + ": the stylesheet and the two scripts at least");
        }
    }

    @Test
    void withoutMathJaxNothingIsWrittenAndTheMessageSaysWhatToInstall() throws IOException {
        var missing = assertThrows(
                IllegalArgumentException.class, () -> Book.render(notebooks, book, dir.resolve("no-mathjax")));
        assertContains(missing.getMessage(), "apt-get install --no-install-recommends libjs-mathjax fonts-mathjax");
        assertContains(missing.getMessage(), "FASTTRACK_MATHJAX");
        assertFalse(Files.exists(book), "nothing written");

        Path fonts = mathJax.resolve("fonts/HTML-CSS/TeX/woff");
        Files.delete(fonts.resolve("MathJax_Main-Regular.woff"));
        Files.delete(fonts);
        var noFonts = assertThrows(IllegalArgumentException.class, () -> Book.render(notebooks, book, mathJax));
        assertContains(noFonts.getMessage(), "missing fonts/HTML-CSS/TeX/woff)");
        assertFalse(Files.exists(book), "nothing written");
    }

    @Test
    void dollarsThatAreNotMathStayText() {
        String html = Markdown.render("It costs $5 and $10, `$` is a code span, and \\$x\\$ is escaped.", new Anchors())
                .html();
        assertLacks(html, "class=\"math\"");
        assertContains(html, "$5 and $10");
        assertContains(html, "<code>$</code>");
        assertContains(html, "$x$ is escaped");
    }

    @Test
    void fencedCodeKeepsItsDollars() {
        String html = Markdown.render(
                        "Before $a_1$.\n\n```java\nString s = \"$x_1$ and $y_2$\";\n```\n\nAfter $b_2$.", new Anchors())
                .html();
        assertContains(html, "<code class=\"language-java\">String s = &quot;$x_1$ and $y_2$&quot;;\n</code>");
        assertContains(html, "<span class=\"math\">a_1</span>");
        assertContains(html, "<span class=\"math\">b_2</span>");
    }

    @Test
    void aNotebookWithoutATitleIsNamedAfterItsFile() throws IOException {
        var cells = new com.google.gson.JsonArray();
        cells.add(SampleNotebooks.markdown("## Only a section"));
        SampleNotebooks.notebook(notebooks.resolve("04-untitled.ipynb"), cells);
        Book.render(notebooks, book, mathJax);
        assertContains(page("index"), "<a class=\"chapter\" href=\"04-untitled.html\">04-untitled</a>");
        assertContains(page("04-untitled"), "<title>04-untitled · LLM FastTrack for Java</title>");
    }

    @Test
    void aSpaceBeforeTheClosingDollarStillClosesTheMathAsInJupyter() {
        String html = Markdown.render("with $\\ln p = $ log-softmax, and $a_1$", new Anchors())
                .html();
        assertEquals(
                "<p>with <span class=\"math\">\\ln p =</span> log-softmax, and <span class=\"math\">a_1</span></p>\n",
                html);
    }

    @Test
    void mathInATableCellDoesNotSplitTheCell() {
        String html = Markdown.render("| norm | value |\n|---|---|\n| $|w|_2$ | 3 |\n", new Anchors())
                .html();
        assertContains(html, "<td><span class=\"math\">|w|_2</span></td>");
        assertContains(html, "<td>3</td>");
    }

    @Test
    void aMarkdownTableBecomesAnHtmlTable() throws IOException {
        Book.render(notebooks, book, mathJax);
        String first = page("01-first-steps");
        assertContains(first, "<table>");
        assertContains(first, "<th>axis</th>");
        assertContains(first, "<td>rows</td>");
    }

    @Test
    void plotsAreInlineDataUris() throws IOException {
        Book.render(notebooks, book, mathJax);
        assertContains(
                page("01-first-steps"),
                "<img src=\"data:image/png;base64," + SampleNotebooks.PNG + "\" alt=\"Figure: tiny plot (40x30)\">");
    }

    @Test
    void htmlResultsAreIncludedAsTheyAre() throws IOException {
        Book.render(notebooks, book, mathJax);
        assertContains(
                page("02-the-middle"),
                "<div class=\"output html\"><table class=\"fasttrack-table\"><tr><td>html-table-cell</td></tr></table></div>");
    }

    @Test
    void errorsShowTheTracebackWithoutAnsiCodes() throws IOException {
        Book.render(notebooks, book, mathJax);
        String middle = page("02-the-middle");
        assertContains(
                middle, "<pre class=\"error\">java.lang.IllegalStateException: bad &lt;input&gt;\n    at line 1</pre>");
        assertLacks(middle, "\u001B");
        assertLacks(middle, "[31m");
    }

    @Test
    void anErrorWithoutATracebackShowsItsNameAndMessage() {
        var output = SampleNotebooks.error("EvaluationException", "x < y");
        assertEquals("<pre class=\"error\">EvaluationException: x &lt; y</pre>\n", Outputs.html(output));
    }

    @Test
    void codeAndOutputsAreEscaped() throws IOException {
        Book.render(notebooks, book, mathJax);
        String first = page("01-first-steps");
        assertContains(
                first, "<pre class=\"input\"><code class=\"language-java\">int x = 1 &lt; 2 ? 1 : 0;\nx</code></pre>");
        assertContains(first, "<pre class=\"output\">a &lt; b &amp; c\n</pre>");
        assertContains(first, "<pre class=\"output\">42</pre>");
        assertLacks(first, "1 < 2");
        assertLacks(first, "a < b");
    }

    @Test
    void anEmptyCodeCellLeavesNoBox() throws IOException {
        Book.render(notebooks, book, mathJax);
        String last = page("03-the-end");
        assertEquals(1, last.split("<div class=\"cell code\">", -1).length - 1, "only the cell with code and output");
    }

    @Test
    void aMissingOrEmptyFolderIsRefusedWithWhatToRun() throws IOException {
        var missing =
                assertThrows(IllegalArgumentException.class, () -> Book.render(dir.resolve("nowhere"), book, mathJax));
        assertContains(missing.getMessage(), "lib/bin/test");
        assertContains(missing.getMessage(), "target/executed-notebooks");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.md"), "not a notebook");
        var none = assertThrows(IllegalArgumentException.class, () -> Book.render(empty, book, mathJax));
        assertContains(none.getMessage(), "lib/bin/test");
        assertFalse(Files.exists(book), "nothing written");
    }

    @Test
    void aPageWhoseNotebookIsGoneIsRemovedButOtherFilesStay() throws IOException {
        Book.render(notebooks, book, mathJax);
        Files.writeString(book.resolve("notes.html"), "<p>the reader's own page</p>");
        Files.delete(notebooks.resolve("03-the-end.ipynb"));
        Book.render(notebooks, book, mathJax);
        assertFalse(Files.exists(book.resolve("03-the-end.html")), "the stale page is removed");
        assertTrue(Files.exists(book.resolve("notes.html")), "a file the book did not write stays");
        assertLacks(page("index"), "03-the-end.html");
        assertLacks(page("02-the-middle"), "rel=\"next\"");
    }

    @Test
    void aBrokenNotebookLeavesThePreviousBookWhole() throws IOException {
        Book.render(notebooks, book, mathJax);
        byte[] index = Files.readAllBytes(book.resolve("index.html"));
        byte[] first = Files.readAllBytes(book.resolve("01-first-steps.html"));
        Files.writeString(
                notebooks.resolve("01-first-steps.ipynb"),
                "{\"cells\": [ {\"cell_type\": \"markdown\", \"source\": \"# Changed\"}]}");
        Files.writeString(notebooks.resolve("04-broken.ipynb"), "{ half a notebook");
        var thrown = assertThrows(IllegalArgumentException.class, () -> Book.render(notebooks, book, mathJax));
        assertContains(thrown.getMessage(), "04-broken.ipynb");
        assertArrayEquals(index, Files.readAllBytes(book.resolve("index.html")));
        assertArrayEquals(
                first,
                Files.readAllBytes(book.resolve("01-first-steps.html")),
                "no page rewritten before every page rendered");
        assertFalse(Files.exists(book.resolve("04-broken.html")));
    }
}

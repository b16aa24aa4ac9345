package fasttrack.book;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.testing.Browsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The book in a real browser (headless chromium), opened from its folder through file:// URLs as a reader
 * would: the contents list every page, every page has its title, every plot decodes, every formula is
 * typeset and no TeX is left as text, tables and outputs have a size on screen, previous/next links walk the
 * book in order, and the browser asks for nothing but files of the folder itself. It checks the sample
 * notebooks' book, or, when the system property {@code fasttrack.book} names a folder, that book
 * ({@code lib/bin/test} passes the real one).
 */
class BookBrowserTest {

    /**
     * TeX a reader would see as source in the text: {@code $$}, a {@code $...$} holding TeX syntax (a backslash,
     * {@code ^ _ { }}), a TeX command or delimiter. Prices ("$5 and $10") are none of these.
     */
    private static final Pattern RAW_TEX =
            Pattern.compile("\\$\\$|\\$[^$\\s][^$\\n]*[\\\\^_{}][^$\\n]*\\$|\\\\[A-Za-z]+|\\\\[()\\[\\]]");

    @TempDir
    Path dir;

    @Test
    void everyPagePlotTableAndFormulaRendersOfflineAndThePagesLinkInOrder() throws IOException {
        Browsers.assumeAvailable();
        Path book = bookUnderTest();
        List<Path> pages = pages(book);
        assertStylesheetsLoadNothing(book);
        String index = url(book.resolve("index.html"));
        ChromeDriver driver = Browsers.headlessChrome();
        try {
            driver.get(index);
            assertEquals(Book.TITLE, driver.getTitle());
            assertMathTypeset(driver, "index.html");
            assertOnlyLocalRequests(driver, "index.html");
            List<WebElement> chapterLinks = driver.findElements(By.cssSelector(".toc a.chapter"));
            assertEquals(
                    pages.stream().map(BookBrowserTest::url).toList(),
                    hrefs(chapterLinks),
                    "the contents list every page, in order");
            List<String> titles = chapterLinks.stream().map(WebElement::getText).toList();
            Map<String, List<String>> anchors = sectionAnchors(driver);

            int images = 0;
            int tables = 0;
            int outputs = 0;
            long formulas = 0;
            for (int i = 0; i < pages.size(); i++) {
                Path file = pages.get(i);
                String name = file.getFileName().toString();
                driver.get(url(file));
                String html = Files.readString(file);
                formulas += assertMathTypeset(driver, name);

                assertEquals(
                        titles.get(i),
                        driver.findElement(By.tagName("h1")).getText(),
                        name + ": its first heading is its title in the contents");
                assertEquals(titles.get(i) + " · " + Book.TITLE, driver.getTitle(), name + ": the window title");
                assertEquals(
                        pages.stream().map(BookBrowserTest::url).toList(),
                        hrefs(driver.findElements(By.cssSelector(".sidebar li a"))),
                        name + ": the chapter list beside the text");

                long imagesInFile = occurrences(html, "<img ");
                assertEquals(
                        imagesInFile,
                        number(driver, "return document.images.length"),
                        name + ": every <img> in the file is in the page");
                assertEquals(
                        List.of(),
                        strings(
                                driver,
                                "return Array.from(document.images)"
                                        + ".filter(img => !img.complete || img.naturalWidth === 0).map(img => img.alt)"),
                        name + ": images that did not decode");
                long tablesOnPage = number(driver, "return document.querySelectorAll('main table').length");
                assertEquals(
                        occurrences(html, "<table"), tablesOnPage, name + ": every table in the file is in the page");
                long codeCells = number(driver, "return document.querySelectorAll('main .cell.code').length");
                long outputsOnPage = number(driver, "return document.querySelectorAll('main .outputs > *').length");
                assertTrue(codeCells == 0 || outputsOnPage > 0, name + ": has code cells but no outputs");
                assertEquals(
                        List.of(),
                        strings(
                                driver,
                                "return Array.from(document.querySelectorAll("
                                        + "'main table, main img, main pre, main .outputs > *, main .math'))"
                                        + ".filter(e => e.getBoundingClientRect().height === 0 || e.getBoundingClientRect().width === 0)"
                                        + ".map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))"),
                        name + ": elements that take no space");
                for (String id : anchors.getOrDefault(name, List.of())) {
                    assertTrue(
                            (Boolean) driver.executeScript("return document.getElementById(arguments[0]) !== null", id),
                            name + ": the contents link to #" + id + ", which is not on the page");
                }

                assertNeighbour(driver, "prev", i > 0 ? pages.get(i - 1) : null, name);
                assertNeighbour(driver, "next", i + 1 < pages.size() ? pages.get(i + 1) : null, name);
                assertEquals(
                        index,
                        driver.findElement(By.cssSelector(".pager.top a.contents"))
                                .getAttribute("href"),
                        name + ": the contents link");
                assertOnlyLocalRequests(driver, name);
                images += (int) imagesInFile;
                tables += (int) tablesOnPage;
                outputs += (int) outputsOnPage;
            }
            assertTrue(
                    images > 0 && tables > 0 && outputs > 0 && formulas > 0,
                    "a book with no plots, tables, outputs or formulas proves" + " nothing: " + images + " images, "
                            + tables + " tables, " + outputs + " outputs, " + formulas + " formulas");

            // Walk the book by clicking, as a reader does: next to the end, previous back to the start, then the
            // contents.
            driver.get(url(pages.get(0)));
            for (int i = 1; i < pages.size(); i++) click(driver, "next", pages.get(i));
            for (int i = pages.size() - 2; i >= 0; i--) click(driver, "prev", pages.get(i));
            driver.findElement(By.cssSelector(".pager.top a.contents")).click();
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(index));
        } finally {
            driver.quit();
        }
    }

    /** The real book when -Dfasttrack.book=DIR is given, otherwise the sample notebooks rendered here. */
    private Path bookUnderTest() throws IOException {
        String given = System.getProperty("fasttrack.book");
        if (given != null && !given.isBlank()) {
            Path book = Path.of(given).toAbsolutePath();
            assertTrue(
                    Files.isRegularFile(book.resolve("index.html")),
                    "no book at " + book + " (-Dfasttrack.book): render one first with lib/bin/book");
            return book;
        }
        Path book = dir.resolve("book");
        Book.render(SampleNotebooks.write(dir.resolve("executed")), book, MathJax.installedFolder());
        return book;
    }

    private static List<Path> pages(Path book) throws IOException {
        try (Stream<Path> files = Files.list(book)) {
            List<Path> pages = files.filter(f -> f.getFileName().toString().endsWith(".html"))
                    .filter(f -> !f.getFileName().toString().equals("index.html"))
                    .sorted()
                    .toList();
            assertTrue(!pages.isEmpty(), "no pages in " + book);
            return pages;
        }
    }

    /** The contents' section links, grouped by page: "02-x.html" to its anchor ids. */
    private static Map<String, List<String>> sectionAnchors(WebDriver driver) {
        Map<String, List<String>> anchors = new LinkedHashMap<>();
        for (String href : hrefs(driver.findElements(By.cssSelector(".toc .sections a")))) {
            int hash = href.indexOf('#');
            String page = href.substring(href.lastIndexOf('/') + 1, hash);
            anchors.computeIfAbsent(page, p -> new ArrayList<>()).add(href.substring(hash + 1));
        }
        return anchors;
    }

    private static void assertNeighbour(WebDriver driver, String rel, Path expected, String page) {
        List<String> links = hrefs(driver.findElements(By.cssSelector(".pager a[rel=" + rel + "]")));
        if (expected == null) {
            assertEquals(List.of(), links, page + ": no " + rel + " link on this end of the book");
        } else {
            assertEquals(
                    List.of(url(expected), url(expected)),
                    links,
                    page + ": the " + rel + " links above and below the text");
        }
    }

    private static void click(WebDriver driver, String rel, Path expected) {
        String from = driver.getCurrentUrl();
        driver.findElement(By.cssSelector(".pager.top a[rel=" + rel + "]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.not(ExpectedConditions.urlToBe(from)));
        assertEquals(url(expected), driver.getCurrentUrl(), "clicking " + rel + " on " + from);
    }

    /**
     * Waits for MathJax to finish the page, then checks that every math element holds MathJax's output and no
     * error, that nothing in code was typeset, and that the text a reader sees outside code (the markdown cells
     * and the chapter lists) shows no TeX: a formula left as source would. MathJax's web fonts (the families whose
     * names end in "w") are loaded too: MathJax prefers fonts installed on the machine (fonts-mathjax installs
     * them system-wide), and the book's copies would otherwise go unchecked here.
     *
     * @return the number of formulas on the page
     */
    private static long assertMathTypeset(ChromeDriver driver, String page) {
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object failed = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "if (!window.MathJax || !MathJax.Hub) { done('MathJax did not load'); return; }"
                + "MathJax.Hub.Register.MessageHook('file load error', m => done('MathJax could not load ' + m[1]));"
                + "MathJax.Hub.Register.StartupHook('End', () => Promise.allSettled(Array.from(document.fonts)"
                + ".filter(f => /^MJXc-.*w$/.test(f.family)).map(f => f.load())).then(() => done(null)));");
        assertEquals(null, failed, page);
        assertEquals(
                List.of(),
                strings(
                        driver,
                        "return Array.from(document.querySelectorAll('.math'))"
                                + ".filter(e => !e.querySelector('.MathJax_CHTML') || e.querySelector('.mjx-merror'))"
                                + ".map(e => e.textContent.trim().slice(0, 80))"),
                page + ": formulas not typeset, or typeset as an error");
        assertEquals(
                0L,
                number(driver, "return document.querySelectorAll('pre .MathJax_CHTML, code .MathJax_CHTML').length"),
                page + ": typeset math inside code");
        String text = String.join(
                "\n",
                strings(
                        driver,
                        "return Array.from(document.querySelectorAll('.cell.markdown, nav')).map(e => {"
                                + " const copy = e.cloneNode(true); copy.querySelectorAll('pre, code, script').forEach(c => c.remove()); return copy.textContent; })"));
        Matcher tex = RAW_TEX.matcher(text);
        assertTrue(!tex.find(), () -> page + ": TeX left as text: \"" + tex.group() + "\" in\n" + text);
        assertEquals(
                List.of(),
                strings(
                        driver,
                        "return Array.from(document.fonts).filter(f => f.status === 'error').map(f => f.family)"),
                page + ": fonts that did not load");
        long formulas = number(driver, "return document.querySelectorAll('.math').length");
        assertTrue(
                formulas == 0
                        || number(
                                        driver,
                                        "return Array.from(document.fonts)"
                                                + ".filter(f => /^MJXc-.*w$/.test(f.family) && f.status === 'loaded').length")
                                > 0,
                page + ": none of MathJax's web fonts loaded");
        return formulas;
    }

    /**
     * Every request the browser made for the page is for a file: or data: URL, and none failed (a part of
     * MathJax missing from the book would). Chromium's network log sees the page's own loads (so the check
     * cannot pass on an empty log) and what MathJax asks for later: its extensions, fonts named in its styles.
     */
    private static void assertOnlyLocalRequests(ChromeDriver driver, String page) {
        Browsers.Requests requests = Browsers.requests(driver);
        assertTrue(
                requests.urls().stream().anyMatch(u -> u.endsWith("/" + MathJax.ASSETS + "/MathJax.js")),
                page + ": the network log does not show the page loading MathJax: " + requests.urls());
        assertEquals(
                List.of(),
                requests.urls().stream()
                        .filter(u -> !(u.startsWith("file:") || u.startsWith("data:")))
                        .toList(),
                page + ": requests that leave the book's folder");
        assertEquals(List.of(), requests.failures(), page + ": requests that failed");
    }

    /** Fonts and pictures named in CSS ({@code url(...)}, {@code @import}) would be loaded from wherever they point. */
    private static void assertStylesheetsLoadNothing(Path book) throws IOException {
        try (Stream<Path> files = Files.list(book)) {
            for (Path css : files.filter(f -> f.getFileName().toString().endsWith(".css"))
                    .toList()) {
                String text = Files.readString(css);
                assertTrue(
                        !text.contains("url(") && !text.contains("@import"),
                        css + " loads other files (url( or @import)");
            }
        }
    }

    private static List<String> hrefs(List<WebElement> links) {
        return links.stream().map(a -> a.getAttribute("href")).toList();
    }

    private static String url(Path file) {
        return file.toAbsolutePath().toUri().toString();
    }

    private static long occurrences(String text, String needle) {
        long count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) count++;
        return count;
    }

    private static long number(JavascriptExecutor driver, String script) {
        return ((Number) driver.executeScript(script)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(JavascriptExecutor driver, String script) {
        return List.copyOf((List<String>) driver.executeScript(script));
    }
}

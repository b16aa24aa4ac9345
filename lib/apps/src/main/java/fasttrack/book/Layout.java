package fasttrack.book;

import fasttrack.show.Html;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The frame around the pages: head, the chapter list beside the text, previous/next links above and
 * below it, and the contents page. Every link is relative and the only other files are style.css and the
 * math's scripts ({@link MathJax}), inside the book, so it opens from a folder (file://), offline, and can be
 * copied anywhere.
 */
final class Layout {

    static final String STYLESHEET = "style.css";
    static final String CONTENTS = "index.html";
    /** Marks the pages this class wrote, so a later render may remove the ones whose notebook is gone, and only those. */
    static final String GENERATOR = "<meta name=\"generator\" content=\"fasttrack.book\">";

    private Layout() {}

    static String page(String bookTitle, List<Chapter> chapters, int index) {
        Chapter chapter = chapters.get(index);
        Chapter previous = index > 0 ? chapters.get(index - 1) : null;
        Chapter next = index + 1 < chapters.size() ? chapters.get(index + 1) : null;
        StringBuilder html = new StringBuilder(chapter.body().length() + 4096);
        head(html, chapter.title().text() + " · " + bookTitle);
        html.append("<div class=\"layout\">\n");
        sidebar(html, bookTitle, chapters, index);
        html.append("<div class=\"page\">\n");
        pager(html, previous, next, "top");
        html.append("<main>\n").append(chapter.body()).append("</main>\n");
        pager(html, previous, next, "bottom");
        html.append("</div>\n</div>\n</body>\n</html>\n");
        return html.toString();
    }

    static String contents(String bookTitle, List<Chapter> chapters) {
        StringBuilder html = new StringBuilder();
        head(html, bookTitle);
        html.append("<div class=\"page contents-page\">\n<main>\n<h1>")
                .append(Html.escape(bookTitle))
                .append("</h1>\n")
                .append(
                        "<p class=\"lead\">The course's notebooks as they ran: every output, table and plot below is from an"
                                + " executed run. The pages need nothing but this folder.</p>\n")
                .append("<nav aria-label=\"Contents\">\n<ol class=\"toc\">\n");
        for (Chapter chapter : chapters) {
            html.append("<li><a class=\"chapter\" href=\"")
                    .append(href(chapter.file()))
                    .append("\">")
                    .append(chapter.title().html())
                    .append("</a>\n");
            if (!chapter.sections().isEmpty()) {
                html.append("<ol class=\"sections\">\n");
                for (Heading section : chapter.sections()) {
                    html.append("<li><a href=\"")
                            .append(href(chapter.file()))
                            .append('#')
                            .append(Html.escape(section.id()))
                            .append("\">")
                            .append(section.html())
                            .append("</a></li>\n");
                }
                html.append("</ol>\n");
            }
            html.append("</li>\n");
        }
        html.append("</ol>\n</nav>\n</main>\n");
        pager(html, null, chapters.isEmpty() ? null : chapters.get(0), "bottom");
        html.append("</div>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void head(StringBuilder html, String title) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append(GENERATOR)
                .append('\n')
                .append("<title>")
                .append(Html.escape(title))
                .append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"")
                .append(STYLESHEET)
                .append("\">\n")
                .append(MathJax.SCRIPTS)
                .append("</head>\n<body>\n");
    }

    private static void sidebar(StringBuilder html, String bookTitle, List<Chapter> chapters, int current) {
        html.append("<nav class=\"sidebar\" aria-label=\"Chapters\">\n<a class=\"book-title\" href=\"")
                .append(CONTENTS)
                .append("\">")
                .append(Html.escape(bookTitle))
                .append("</a>\n<ol>\n");
        for (int i = 0; i < chapters.size(); i++) {
            Chapter chapter = chapters.get(i);
            html.append(i == current ? "<li class=\"current\"><a aria-current=\"page\" href=\"" : "<li><a href=\"")
                    .append(href(chapter.file()))
                    .append("\">")
                    .append(chapter.title().html())
                    .append("</a></li>\n");
        }
        html.append("</ol>\n</nav>\n");
    }

    /** Previous, contents, next; a missing neighbour leaves an empty slot so the contents link stays centred. */
    private static void pager(StringBuilder html, Chapter previous, Chapter next, String where) {
        html.append("<nav class=\"pager ").append(where).append("\" aria-label=\"Previous and next\">\n");
        if (previous == null) {
            html.append("<span class=\"prev\"></span>\n");
        } else {
            html.append("<a class=\"prev\" rel=\"prev\" href=\"")
                    .append(href(previous.file()))
                    .append("\">← ")
                    .append(previous.title().html())
                    .append("</a>\n");
        }
        html.append("<a class=\"contents\" href=\"").append(CONTENTS).append("\">Contents</a>\n");
        if (next == null) {
            html.append("<span class=\"next\"></span>\n");
        } else {
            html.append("<a class=\"next\" rel=\"next\" href=\"")
                    .append(href(next.file()))
                    .append("\">")
                    .append(next.title().html())
                    .append(" →</a>\n");
        }
        html.append("</nav>\n");
    }

    /** A file name as a relative link: percent-encoded where a URL needs it, then escaped for the attribute. */
    static String href(String file) {
        try {
            return Html.escape(new URI(null, null, file, null).getRawPath());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot link to a page named " + file + ": rename the notebook", e);
        }
    }
}

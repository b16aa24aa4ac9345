package fasttrack.book;

import fasttrack.show.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps LaTeX out of the markdown parser's reach. In {@code $x_{b,t}$} or {@code $a * b * c$} the
 * underscores and asterisks are emphasis to CommonMark, and in a table {@code $|w|$} splits the cell; so
 * every math span is swapped for an inert placeholder before parsing and put back afterwards as
 * escaped text in {@code <span class="math">} (or {@code <div class="math display">} for a {@code $$} paragraph).
 * These elements are what the browser typesets ({@link MathJax}): MathJax reads no dollars itself, so what
 * is math is decided here, once, and code and prices stay text.
 *
 * <p>Dollars are read close to the way Jupyter reads them, where the notebooks were written and checked:
 * {@code $$...$$} is display math; {@code $...$} is inline math when the opening {@code $} has a non-space
 * on its right and the closing one no digit after it (Pandoc's rules, except that a space may come before
 * the closing dollar, as in {@code $\ln p = $}, which Jupyter renders), within one paragraph and with no
 * backtick in between (so "$5 and $10" stays text, and so does "$5 or `$`"). Code spans,
 * fenced code and backslash-escaped dollars are copied as they are.
 */
final class MathSpans {

    /** Private-use characters: nothing in markdown means anything by them, and no notebook contains them. */
    private static final char OPEN = '\uE000';

    private static final char CLOSE = '\uE001';
    private static final Pattern PLACEHOLDER = Pattern.compile(OPEN + "(\\d+)" + CLOSE);
    private static final Pattern DISPLAY_PARAGRAPH = Pattern.compile("<p>" + OPEN + "(\\d+)" + CLOSE + "</p>");
    private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t]*(\\n|$)");
    private static final Pattern FENCE = Pattern.compile("[ \\t>]*(`{3,}|~{3,}).*");

    /** One math span: its TeX without the dollars, and whether it was {@code $$} display math. */
    record Span(String tex, boolean display) {}

    /** Markdown with its math replaced by placeholders, and the way back. */
    record Protected(String markdown, List<Span> spans) {

        /** HTML with each placeholder replaced by its math, escaped, in a math span or div. */
        String restoreHtml(String html) {
            String blocks = replace(
                    DISPLAY_PARAGRAPH,
                    html,
                    span -> span.display()
                            ? "<div class=\"math display\">" + Html.escape(span.tex()) + "</div>"
                            : "<p><span class=\"math\">" + Html.escape(span.tex()) + "</span></p>");
            return replace(
                    PLACEHOLDER,
                    blocks,
                    span -> "<span class=\"" + (span.display() ? "math display" : "math") + "\">"
                            + Html.escape(span.tex()) + "</span>");
        }

        /** Plain text with each placeholder replaced by its TeX source (for titles and anchors). */
        String restoreText(String text) {
            return replace(PLACEHOLDER, text, Span::tex);
        }

        private String replace(Pattern pattern, String in, Function<Span, String> render) {
            Matcher m = pattern.matcher(in);
            StringBuilder out = new StringBuilder(in.length());
            while (m.find()) {
                int index = Integer.parseInt(m.group(1));
                String replacement = index < spans.size() ? render.apply(spans.get(index)) : m.group();
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    private MathSpans() {}

    static Protected protect(String markdown) {
        String s = markdown.replace(OPEN, '\uFFFD').replace(CLOSE, '\uFFFD');
        StringBuilder out = new StringBuilder(s.length());
        List<Span> spans = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            if (i == 0 || s.charAt(i - 1) == '\n') {
                int end = fencedBlockEnd(s, i);
                if (end > i) {
                    out.append(s, i, end);
                    i = end;
                    continue;
                }
            }
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n) {
                out.append(s, i, i + 2);
                i += 2;
            } else if (c == '`') {
                int end = codeSpanEnd(s, i);
                out.append(s, i, end);
                i = end;
            } else if (c == '$') {
                int end = s.startsWith("$$", i) ? displayEnd(s, i) : inlineEnd(s, i);
                if (end < 0) {
                    int run = s.startsWith("$$", i) ? 2 : 1;
                    out.append(s, i, i + run);
                    i += run;
                } else {
                    boolean display = s.startsWith("$$", i);
                    int delimiter = display ? 2 : 1;
                    out.append(OPEN).append(spans.size()).append(CLOSE);
                    spans.add(
                            new Span(s.substring(i + delimiter, end - delimiter).strip(), display));
                    i = end;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return new Protected(out.toString(), List.copyOf(spans));
    }

    /**
     * When a fenced code block opens at {@code lineStart}, the index just past its closing fence (or the
     * end of the text); otherwise {@code lineStart}. Indentation is not limited to three spaces, so a
     * fence inside a list item counts too: mistaking an odd line for a fence only leaves dollars as text.
     */
    private static int fencedBlockEnd(String s, int lineStart) {
        int lineEnd = lineEnd(s, lineStart);
        Matcher open = FENCE.matcher(s.substring(lineStart, lineEnd));
        if (!open.matches()) return lineStart;
        String fence = open.group(1);
        char fenceChar = fence.charAt(0);
        if (fenceChar == '`' && open.group().substring(open.end(1)).contains("`"))
            return lineStart; // ``` x ``` is a code span
        int i = Math.min(lineEnd + 1, s.length());
        while (i < s.length()) {
            int end = lineEnd(s, i);
            String line = s.substring(i, end).replaceFirst("^[ \\t>]*", "").strip();
            if (line.length() >= fence.length() && line.chars().allMatch(ch -> ch == fenceChar)) {
                return Math.min(end + 1, s.length());
            }
            i = end + 1;
        }
        return s.length();
    }

    /** Past the closing backtick run of the same length, or just past the opening run when there is none. */
    private static int codeSpanEnd(String s, int start) {
        int run = runLength(s, start, '`');
        int limit = paragraphEnd(s, start);
        int i = start + run;
        while (i < limit) {
            if (s.charAt(i) == '`') {
                int closing = runLength(s, i, '`');
                if (closing == run) return i + run;
                i += closing;
            } else {
                i++;
            }
        }
        return start + run;
    }

    private static int displayEnd(String s, int start) {
        int close = s.indexOf("$$", start + 2);
        if (close < 0 || s.substring(start + 2, close).isBlank()) return -1;
        return close + 2;
    }

    private static int inlineEnd(String s, int start) {
        int limit = paragraphEnd(s, start);
        if (start + 1 >= limit || Character.isWhitespace(s.charAt(start + 1))) return -1;
        for (int i = start + 1; i < limit; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '`') {
                return -1; // math has no backticks, so this '$' ends in a code span: "$5 and `$`" is not math
            } else if (c == '$') {
                if (i + 1 >= s.length() || !Character.isDigit(s.charAt(i + 1))) return i + 1;
            }
        }
        return -1;
    }

    /** The start of the next blank line: neither inline math nor a code span crosses a paragraph. */
    private static int paragraphEnd(String s, int from) {
        Matcher blank = BLANK_LINE.matcher(s);
        return blank.find(from) ? blank.start() : s.length();
    }

    private static int lineEnd(String s, int from) {
        int newline = s.indexOf('\n', from);
        return newline < 0 ? s.length() : newline;
    }

    private static int runLength(String s, int from, char c) {
        int i = from;
        while (i < s.length() && s.charAt(i) == c) i++;
        return i - from;
    }
}

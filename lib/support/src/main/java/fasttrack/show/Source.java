package fasttrack.show;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact source of a library class or member, shown highlighted in the notebook with its file and
 * line numbers: the code a learner does not rewrite is read, never a black box.
 *
 * <p>Each of the library's jars carries its own {@code .java} files (under {@code fasttrack-sources/}), so what is
 * shown is what runs: {@code Source.of(Gpt.class, "logits")} shows every {@code logits} overload with its javadoc.
 */
public final class Source implements Displayable {

    /** The library's tiers (pom.xml), whose sources live in the repository under {@code MODULE/src/main/java/}. */
    static final List<String> MODULES = List.of("lib/support", "lib/fasttrack", "lib/apps", "lib/kernel");
    /** Where a jar keeps them, under their repository path: not beside the classes, where javac would prefer them. */
    static final String SOURCES_IN_JAR = "fasttrack-sources/";

    private static final Set<String> KEYWORDS = Set.of(
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "record",
            "return",
            "short",
            "static",
            "super",
            "switch",
            "this",
            "throw",
            "throws",
            "try",
            "var",
            "void",
            "while",
            "yield",
            "true",
            "false",
            "null");
    private static final Pattern TOKEN = Pattern.compile(
            "(?<comment>/\\*.*?\\*/|//[^\\n]*)|(?<string>\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+')"
                    + "|(?<annotation>@\\w+)|(?<word>\\b[A-Za-z_]\\w*\\b)|(?<number>\\b\\d[\\w.]*)",
            Pattern.DOTALL);

    private final String path;
    private final String code;
    private final int firstLine;

    private Source(String path, String code, int firstLine) {
        this.path = path;
        this.code = code;
        this.firstLine = firstLine;
    }

    /** The whole source file of {@code type} (of its top-level class when it is nested). */
    public static Source of(Class<?> type) {
        String text = read(type);
        return new Source(pathOf(type), text.stripTrailing(), 1);
    }

    /**
     * Every declaration named {@code member} in {@code type}'s file: methods (all overloads),
     * constructors (the class's simple name), nested classes or records, each with its javadoc.
     */
    public static Source of(Class<?> type, String member) {
        if (member == null || member.isBlank())
            throw new IllegalArgumentException("name the member to show, e.g. \"forward\"");
        String text = read(type);
        List<int[]> spans = JavaDeclarations.find(text, member);
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("no declaration named '" + member + "' in " + pathOf(type)
                    + ": check the spelling, or show the whole class with Source.of(" + type.getSimpleName()
                    + ".class)");
        }
        int start = spans.get(0)[0], end = spans.get(spans.size() - 1)[1];
        int lineStart = text.lastIndexOf('\n', start - 1) + 1;
        int firstLine = 1
                + (int) text.substring(0, lineStart)
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        StringBuilder code = new StringBuilder();
        int previousEnd = -1;
        for (int[] span : spans) {
            int from = text.lastIndexOf('\n', span[0] - 1) + 1;
            if (previousEnd >= 0) code.append(from > previousEnd + 1 ? "\n" : ""); // keep overloads apart
            code.append(text, from, span[1]);
            previousEnd = span[1];
        }
        // One span reads as one excerpt; several overloads keep their file positions only when adjacent.
        return new Source(
                pathOf(type),
                code.toString().stripTrailing(),
                spans.size() == 1 || isContiguous(text, spans) ? firstLine : 0);
    }

    private static boolean isContiguous(String text, List<int[]> spans) {
        for (int i = 1; i < spans.size(); i++) {
            if (!text.substring(spans.get(i - 1)[1], spans.get(i)[0]).isBlank()) return false;
        }
        return true;
    }

    public String path() {
        return path;
    }

    public String code() {
        return code;
    }

    /** The source file's path in the repository: under the tier whose jar carries it. */
    private static String pathOf(Class<?> type) {
        String file = "src/main/java/" + topLevel(type).getName().replace('.', '/') + ".java";
        for (String module : MODULES) {
            if (topLevel(type).getResource("/" + SOURCES_IN_JAR + module + "/" + file) != null)
                return module + "/" + file;
        }
        throw new IllegalArgumentException(
                "no source for " + topLevel(type).getName() + " on the classpath: only the course's own "
                        + "classes (fasttrack.*) carry their source; rebuild the jars with lib/bin/notebook if one is missing");
    }

    private static Class<?> topLevel(Class<?> type) {
        Class<?> top = type;
        while (top.getEnclosingClass() != null) top = top.getEnclosingClass();
        return top;
    }

    private static String read(Class<?> type) {
        Class<?> top = topLevel(type);
        try (InputStream in = top.getResourceAsStream("/" + SOURCES_IN_JAR + pathOf(type))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new IllegalStateException("could not read the source of " + top.getName() + ": " + e.getMessage(), e);
        }
    }

    /** The code as HTML: keywords, comments, strings and numbers coloured; line numbers when known. */
    public String html() {
        StringBuilder body = new StringBuilder();
        Matcher m = TOKEN.matcher(code);
        int at = 0;
        while (m.find()) {
            body.append(Html.escape(code.substring(at, m.start())));
            String token = Html.escape(m.group());
            if (m.group("comment") != null)
                body.append("<span style=\"color:#6a737d;font-style:italic\">")
                        .append(token)
                        .append("</span>");
            else if (m.group("string") != null)
                body.append("<span style=\"color:#032f62\">").append(token).append("</span>");
            else if (m.group("annotation") != null)
                body.append("<span style=\"color:#6f42c1\">").append(token).append("</span>");
            else if (m.group("number") != null)
                body.append("<span style=\"color:#005cc5\">").append(token).append("</span>");
            else if (KEYWORDS.contains(m.group()))
                body.append("<span style=\"color:#d73a49;font-weight:bold\">")
                        .append(token)
                        .append("</span>");
            else body.append(token);
            at = m.end();
        }
        body.append(Html.escape(code.substring(at)));
        String[] lines = body.toString().split("\n", -1);
        StringBuilder html = new StringBuilder(
                        "<div class=\"fasttrack-source\"><div style=\"font-size:smaller;color:#555\">")
                .append(Html.escape(caption()))
                .append("</div><pre style=\"line-height:1.3\">");
        for (int i = 0; i < lines.length; i++) {
            if (firstLine > 0)
                html.append("<span style=\"color:#aaa;user-select:none\">")
                        .append(String.format("%4d  ", firstLine + i))
                        .append("</span>");
            html.append(lines[i]).append('\n');
        }
        return html.append("</pre></div>").toString();
    }

    private String caption() {
        int lines = (int) code.chars().filter(c -> c == '\n').count() + 1;
        return firstLine > 0 ? path + ", lines " + firstLine + "\u2013" + (firstLine + lines - 1) : path;
    }

    @Override
    public Map<String, String> mimeBundle() {
        return new Html(html(), toString()).mimeBundle();
    }

    @Override
    public String toString() {
        return "// " + caption() + "\n" + code;
    }

    /** Finds declarations in Java source by name, skipping comments and strings when matching braces. */
    static final class JavaDeclarations {

        private JavaDeclarations() {}

        /** [start, end) of each declaration named {@code name}, javadoc and annotations included, in file order. */
        static List<int[]> find(String text, String name) {
            String masked = mask(text);
            Pattern declaration = Pattern.compile(
                    "(?m)^[ \\t]*(?:(?:public|protected|private|static|final|abstract|synchronized|default|sealed|non-sealed|strictfp)\\s+)*"
                            + "(?:(?:class|record|interface|enum)\\s+" + Pattern.quote(name) + "\\b"
                            + "|(?:<[^>{;]*>\\s*)?(?:[\\w.$]+(?:<[^{;()]*?>)?(?:\\[\\])*\\s+)?" + Pattern.quote(name)
                            + "\\s*\\()");
            List<int[]> spans = new ArrayList<>();
            Matcher m = declaration.matcher(masked);
            int searchFrom = 0;
            while (m.find(searchFrom)) {
                int open = firstBodyBrace(masked, m.end());
                if (open < 0) {
                    searchFrom = m.end();
                    continue;
                }
                int close = matching(masked, open);
                int start = withLeadingDocs(text, masked, m.start());
                int end = close + 1;
                if (end < text.length() && text.charAt(end) == '\n') end++;
                spans.add(new int[] {start, end});
                searchFrom = end;
            }
            return spans;
        }

        /** The brace that opens the body, or -1 when a ';' comes first (a call, an abstract method). */
        private static int firstBodyBrace(String masked, int from) {
            int depth = 0;
            for (int i = from; i < masked.length(); i++) {
                char c = masked.charAt(i);
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (depth <= 0 && c == '{') return i;
                else if (depth <= 0 && (c == ';' || c == '}' || c == '=')) return -1;
            }
            return -1;
        }

        private static int matching(String masked, int open) {
            int depth = 0;
            for (int i = open; i < masked.length(); i++) {
                char c = masked.charAt(i);
                if (c == '{') depth++;
                else if (c == '}' && --depth == 0) return i;
            }
            throw new IllegalStateException("unbalanced braces in source after offset " + open);
        }

        /** Moves the start up over the javadoc, comments and annotations right above the declaration. */
        private static int withLeadingDocs(String text, String masked, int start) {
            int lineStart = start;
            while (lineStart > 0) {
                int previousEnd = lineStart - 1; // the '\n' before this line
                int previousStart = text.lastIndexOf('\n', previousEnd - 1) + 1;
                String line = text.substring(previousStart, previousEnd).strip();
                boolean docOrAnnotation = line.startsWith("/**")
                        || line.startsWith("*")
                        || line.startsWith("//")
                        || line.startsWith("/*")
                        || line.startsWith("@");
                if (!docOrAnnotation || line.isEmpty()) break;
                lineStart = previousStart;
            }
            return lineStart;
        }

        /** The text with comments, strings and char literals blanked (same length, newlines kept). */
        static String mask(String text) {
            StringBuilder out = new StringBuilder(text);
            int i = 0, n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                    while (i < n && text.charAt(i) != '\n') out.setCharAt(i++, ' ');
                } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                    int end = text.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    for (; i < end; i++) if (text.charAt(i) != '\n') out.setCharAt(i, ' ');
                } else if (c == '"' && text.startsWith("\"\"\"", i)) {
                    int end = text.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? n : end + 3;
                    for (; i < end; i++) if (text.charAt(i) != '\n') out.setCharAt(i, ' ');
                } else if (c == '"' || c == '\'') {
                    int j = i + 1;
                    while (j < n && text.charAt(j) != c && text.charAt(j) != '\n') j += text.charAt(j) == '\\' ? 2 : 1;
                    for (; i <= Math.min(j, n - 1); i++) out.setCharAt(i, ' ');
                } else {
                    i++;
                }
            }
            return out.toString();
        }
    }
}

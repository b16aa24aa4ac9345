package fasttrack.book;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import fasttrack.show.Html;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One output of a code cell as HTML, the way Jupyter shows it: printed text and plain results in
 * {@code <pre class="output">}, our own HTML tables as they are, pictures inline as {@code data:} URIs
 * (so a page needs no other file) and errors with their traceback in {@code <pre class="error">}.
 * Of a result's several forms (a table is HTML and text) the richest one is shown: image, then HTML, then text.
 */
final class Outputs {

    /** Colour and cursor codes the kernel puts in tracebacks ({@code ESC[1m ESC[31m}): a browser would show them raw. */
    private static final Pattern ANSI = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)|\u001B[@-Z\\\\-_]");

    private static final List<String> IMAGES = List.of("image/png", "image/jpeg", "image/svg+xml");

    private Outputs() {}

    static String html(JsonObject output) {
        String type = string(output.get("output_type"));
        return switch (type) {
            case "stream" -> {
                String name = string(output.get("name"));
                String css = "stderr".equals(name) ? "output stderr" : "output";
                yield "<pre class=\"" + css + "\">" + Html.escape(terminalText(string(output.get("text"))))
                        + "</pre>\n";
            }
            case "execute_result", "display_data" -> bundle(output.getAsJsonObject("data"));
            case "error" -> error(output);
            default -> "";
        };
    }

    private static String bundle(JsonObject data) {
        if (data == null) return "";
        String plain = data.has("text/plain") ? stripAnsi(string(data.get("text/plain"))) : null;
        for (String mime : IMAGES) {
            if (data.has(mime)) {
                String stored = string(data.get(mime));
                // Jupyter stores PNG and JPEG as base64 (line breaks allowed), SVG as its text.
                String base64 = mime.equals("image/svg+xml")
                        ? Base64.getEncoder().encodeToString(stored.getBytes(StandardCharsets.UTF_8))
                        : stored.replaceAll("\\s", "");
                String alt = plain == null || plain.isBlank() ? "figure" : plain.strip();
                return "<div class=\"output image\"><img src=\"data:" + mime + ";base64," + base64 + "\" alt=\""
                        + Html.escape(alt) + "\"></div>\n";
            }
        }
        if (data.has("text/html")) return "<div class=\"output html\">" + string(data.get("text/html")) + "</div>\n";
        if (plain != null) return "<pre class=\"output\">" + Html.escape(plain) + "</pre>\n";
        return "";
    }

    /** The traceback when there is one (it starts with the exception and message), else "name: message". */
    private static String error(JsonObject output) {
        JsonArray traceback = output.has("traceback") && output.get("traceback").isJsonArray()
                ? output.getAsJsonArray("traceback")
                : new JsonArray();
        StringBuilder text = new StringBuilder();
        for (JsonElement line : traceback) text.append(string(line)).append('\n');
        if (text.toString().isBlank()) {
            text.setLength(0);
            text.append(string(output.get("ename"))).append(": ").append(string(output.get("evalue")));
        }
        return "<pre class=\"error\">" + Html.escape(stripAnsi(text.toString()).stripTrailing()) + "</pre>\n";
    }

    static String stripAnsi(String text) {
        return ANSI.matcher(text).replaceAll("");
    }

    /** What a terminal would show: ANSI codes removed, and a line rewritten after '\r' shows only its last version. */
    static String terminalText(String text) {
        String[] lines = stripAnsi(text).split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int cr = trimmed.lastIndexOf('\r');
            out.append(cr < 0 ? trimmed : trimmed.substring(cr + 1));
            if (i < lines.length - 1) out.append('\n');
        }
        return out.toString();
    }

    /** Notebook text fields are a string or a list of lines, depending on who wrote the file. */
    static String string(JsonElement element) {
        if (element == null || element.isJsonNull()) return "";
        if (element.isJsonArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonElement part : element.getAsJsonArray()) out.append(string(part));
            return out.toString();
        }
        return element.isJsonPrimitive() ? element.getAsString() : element.toString();
    }
}

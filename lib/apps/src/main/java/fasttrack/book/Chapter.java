package fasttrack.book;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fasttrack.show.Html;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One executed notebook as a page of the book: its cells in order (markdown as text, code with its
 * outputs below it), its title (the first level-1 heading) and its sections (the level-2 headings),
 * which the contents page lists. Raw cells are left out, as Jupyter's own HTML export does.
 *
 * @param file     the page's file name: the notebook's, with .html for .ipynb
 * @param title    the first level-1 heading, or the notebook's name when it has none
 * @param sections the level-2 headings, with their anchors
 * @param body     the cells as HTML
 */
record Chapter(String file, Heading title, List<Heading> sections, String body) {

    static Chapter read(Path notebook) throws IOException {
        String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", "");
        JsonObject json = parse(notebook);
        JsonArray cells = json.has("cells") && json.get("cells").isJsonArray() ? json.getAsJsonArray("cells") : null;
        if (cells == null) {
            throw new IllegalArgumentException(
                    notebook + " has no \"cells\" list, so it is not a Jupyter (nbformat 4) notebook."
                            + " Run lib/bin/test to execute the notebooks again.");
        }
        String language = language(json);
        Anchors anchors = new Anchors();
        List<Heading> headings = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (JsonElement element : cells) {
            JsonObject cell = element.getAsJsonObject();
            String source = Outputs.string(cell.get("source"));
            switch (Outputs.string(cell.get("cell_type"))) {
                case "markdown" -> {
                    Markdown.Rendered rendered = Markdown.render(source, anchors);
                    headings.addAll(rendered.headings());
                    body.append("<div class=\"cell markdown\">\n")
                            .append(rendered.html())
                            .append("</div>\n");
                }
                case "code" -> body.append(code(source, cell.getAsJsonArray("outputs"), language));
                default -> {}
            }
        }
        Heading title = headings.stream()
                .filter(h -> h.level() == 1)
                .findFirst()
                .orElse(new Heading(1, "", name, Html.escape(name)));
        List<Heading> sections = headings.stream().filter(h -> h.level() == 2).toList();
        return new Chapter(name + ".html", title, sections, body.toString());
    }

    private static String code(String source, JsonArray outputs, String language) {
        boolean hasOutputs = outputs != null && !outputs.isEmpty();
        if (source.isBlank() && !hasOutputs) return "";
        StringBuilder html = new StringBuilder("<div class=\"cell code\">\n");
        if (!source.isBlank()) {
            html.append("<pre class=\"input\"><code class=\"language-")
                    .append(Html.escape(language))
                    .append("\">")
                    .append(Html.escape(source.stripTrailing()))
                    .append("</code></pre>\n");
        }
        if (hasOutputs) {
            html.append("<div class=\"outputs\">\n");
            for (JsonElement output : outputs) html.append(Outputs.html(output.getAsJsonObject()));
            html.append("</div>\n");
        }
        return html.append("</div>\n").toString();
    }

    private static JsonObject parse(Path notebook) throws IOException {
        try (Reader reader = Files.newBufferedReader(notebook, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(reader).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    notebook + " is not a notebook (not JSON: " + e.getMessage() + ")."
                            + " Run lib/bin/test to execute the notebooks again.",
                    e);
        }
    }

    /** The kernel's language, for the code blocks' class ("language-java"). */
    private static String language(JsonObject json) {
        JsonObject metadata =
                json.has("metadata") && json.get("metadata").isJsonObject() ? json.getAsJsonObject("metadata") : null;
        JsonElement info = metadata == null ? null : metadata.get("language_info");
        if (info != null && info.isJsonObject() && info.getAsJsonObject().has("name")) {
            return Outputs.string(info.getAsJsonObject().get("name"));
        }
        return "java";
    }
}

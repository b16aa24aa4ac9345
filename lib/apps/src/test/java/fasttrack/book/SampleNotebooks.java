package fasttrack.book;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Three small executed notebooks with every kind of content the book renders: headings, math with
 * underscores and asterisks (inline, display, in a heading, an AMS environment), dollars that are not math
 * (prices, a shell variable and TeX in code), a GFM table, code with '<', printed text, a plain result, a
 * PNG plot, one of our HTML tables and an error with ANSI colours. Written in both of nbformat's text shapes
 * (a string, a list of lines), as Jupyter writes either. And a stand-in for a MathJax folder.
 */
final class SampleNotebooks {

    static final String FIRST = "01-first-steps";
    static final String MIDDLE = "02-the-middle";
    static final String LAST = "03-the-end";
    /** A 40×30 PNG, base64, as Jupyter stores a plot. */
    static final String PNG = png();

    private SampleNotebooks() {}

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonArray first = new JsonArray();
        first.add(
                markdown(
                        "# 01 · First steps\n\nThe batch index $x_{b,t} = a_1 * b_2 * c$ keeps its underscores,"
                                + " and `a $code$ span` stays code.\n\n## Shapes and sizes\n\n| axis | size |\n|---|---|\n| rows | 2 |\n"));
        first.add(code("int x = 1 < 2 ? 1 : 0;\nx", stream("stdout", "a < b & c\n"), result("text/plain", "42")));
        first.add(markdownLines("## Plots\n", "\n", "$$\\sum_i w_i * x_i$$\n"));
        first.add(code("Plots.line(losses)", display(PNG, "Figure: tiny plot (40x30)")));
        first.add(markdown("## Scaling by $\\sqrt{d}$\n\nThe scores are divided by $\\sqrt{d_k}$ before the"
                + " $\\operatorname{softmax}$. A GPU costs $5 and $10 an hour; `echo $HOME` is shell.\n\n"
                + "$$\\begin{aligned} \\mathrm{Attention}(Q, K, V) &= \\operatorname{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right) V"
                + " \\\\ \\ell &= -\\ln p_{\\text{next}} \\end{aligned}$$\n"));
        first.add(code(
                "String home = System.getenv(\"HOME\"); // $HOME, not $x_1$",
                stream("stdout", "echo $HOME costs $5, $x_1$ stays code\n")));
        JsonArray middle = new JsonArray();
        middle.add(markdown("# 02 · The middle\n\n## Tables\n\nOur own tables come as HTML."));
        middle.add(code(
                "Tables.of(rows)",
                htmlResult("<table class=\"fasttrack-table\"><tr><td>html-table-cell</td></tr></table>", "table")));
        middle.add(code(
                "Check.close(a, b)",
                error(
                        "IllegalStateException",
                        "bad <input>",
                        "\u001B[1m\u001B[31mjava.lang.IllegalStateException: bad <input>\u001B[0m",
                        "\u001B[1m\u001B[31m    at line 1\u001B[0m")));
        JsonArray last = new JsonArray();
        last.add(markdown("# 03 · The end\n\n## Check yourself\n\nOnce.\n\n## Check yourself\n\nTwice."));
        last.add(code(""));
        last.add(code("System.out.println(\"done\")", stream("stdout", "done\n")));
        notebook(dir.resolve(FIRST + ".ipynb"), first);
        notebook(dir.resolve(MIDDLE + ".ipynb"), middle);
        notebook(dir.resolve(LAST + ".ipynb"), last);
        return dir;
    }

    /**
     * A stand-in for Debian's MathJax 2.7 folder: a file in each part the book copies, and files of parts it
     * must leave out (the SVG output, the OpenType fonts, translations, the unpacked sources).
     */
    static Path mathJax(Path dir) throws IOException {
        for (String file : List.of(
                "MathJax.js",
                "jax/input/TeX/jax.js",
                "jax/element/mml/jax.js",
                "jax/output/CommonHTML/jax.js",
                "fonts/HTML-CSS/TeX/woff/MathJax_Main-Regular.woff",
                "extensions/MathMenu.js",
                "extensions/TeX/AMSmath.js",
                "jax/output/SVG/jax.js",
                "fonts/HTML-CSS/TeX/otf/MathJax_Main-Regular.otf",
                "localization/de/de.js",
                "unpacked/MathJax.js")) {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, "/* " + file + " */");
        }
        return dir;
    }

    static void notebook(Path file, JsonArray cells) throws IOException {
        JsonObject notebook = new JsonObject();
        notebook.add("cells", cells);
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        JsonObject metadata = new JsonObject();
        metadata.add("language_info", language);
        notebook.add("metadata", metadata);
        notebook.addProperty("nbformat", 4);
        notebook.addProperty("nbformat_minor", 5);
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(notebook));
    }

    static JsonObject markdown(String source) {
        JsonObject cell = new JsonObject();
        cell.addProperty("cell_type", "markdown");
        cell.add("metadata", new JsonObject());
        cell.addProperty("source", source);
        return cell;
    }

    static JsonObject markdownLines(String... lines) {
        JsonObject cell = markdown("");
        cell.add("source", lines(lines));
        return cell;
    }

    static JsonObject code(String source, JsonObject... outputs) {
        JsonObject cell = new JsonObject();
        cell.addProperty("cell_type", "code");
        cell.add("metadata", new JsonObject());
        cell.addProperty("source", source);
        JsonArray list = new JsonArray();
        for (JsonObject output : outputs) list.add(output);
        cell.add("outputs", list);
        return cell;
    }

    static JsonObject stream(String name, String text) {
        JsonObject output = new JsonObject();
        output.addProperty("output_type", "stream");
        output.addProperty("name", name);
        output.add("text", lines(text));
        return output;
    }

    static JsonObject result(String mime, String value) {
        JsonObject data = new JsonObject();
        data.addProperty(mime, value);
        JsonObject output = new JsonObject();
        output.addProperty("output_type", "execute_result");
        output.addProperty("execution_count", 1);
        output.add("data", data);
        output.add("metadata", new JsonObject());
        return output;
    }

    static JsonObject htmlResult(String html, String text) {
        JsonObject output = result("text/html", html);
        output.getAsJsonObject("data").addProperty("text/plain", text);
        return output;
    }

    static JsonObject display(String pngBase64, String text) {
        JsonObject data = new JsonObject();
        data.addProperty("image/png", pngBase64);
        data.add("text/plain", lines(text));
        JsonObject output = new JsonObject();
        output.addProperty("output_type", "display_data");
        output.add("data", data);
        output.add("metadata", new JsonObject());
        return output;
    }

    static JsonObject error(String name, String value, String... traceback) {
        JsonObject output = new JsonObject();
        output.addProperty("output_type", "error");
        output.addProperty("ename", name);
        output.addProperty("evalue", value);
        output.add("traceback", lines(traceback));
        return output;
    }

    private static JsonArray lines(String... lines) {
        JsonArray array = new JsonArray();
        for (String line : lines) array.add(line);
        return array;
    }

    private static String png() {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 40, 30);
        g.setColor(Color.BLUE);
        g.drawLine(0, 29, 39, 0);
        g.dispose();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package fasttrack.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void lineFigureRendersAsInlinePng() {
        Figure figure = Plots.line("loss", "step", "loss", new double[] {0, 1, 2}, new double[] {3, 2, 1});
        Map<String, String> bundle = figure.mimeBundle();
        byte[] png = Base64.getDecoder().decode(bundle.get("image/png"));
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        assertEquals("Figure: loss (640x400)", bundle.get("text/plain"));
    }

    @Test
    void savesReadablePngAndSvgInNewFolders(@TempDir Path dir) throws Exception {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", new double[] {3, 2});
        series.put("val", new double[] {3.1, 2.5});
        Figure figure = Plots.scatter("curves", "step", "loss", new double[] {0, 1}, series);
        BufferedImage image =
                ImageIO.read(figure.savePng(dir.resolve("a/b/curves.png")).toFile());
        assertNotNull(image);
        assertEquals(640, image.getWidth());
        String svg = Files.readString(figure.saveSvg(dir.resolve("curves.svg")));
        assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temp files left behind");
        }
    }

    @Test
    void barChartNeedsOneCategoryPerValue() {
        assertNotNull(Plots.bar("tokens", "kind", "count", List.of("a", "b"), new double[] {1, 2})
                .png());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.bar("tokens", "kind", "count", List.of("a"), new double[] {1, 2}));
        assertTrue(e.getMessage().contains("1 categories, 2 values"), e.getMessage());
    }

    @Test
    void groupedBarsNeedOneValuePerCategoryInEverySeries() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("KJV", new double[] {3.0, 4.1, 4.2});
        series.put("Devil's Dictionary", new double[] {2.0, 3.3, 4.1});
        assertNotNull(Plots.bar("bytes per token", "tokenizer", "bytes", List.of("course", "gpt2", "o200k"), series)
                .png());
        series.put("short", new double[] {1, 2});
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.bar("bytes per token", "tokenizer", "bytes", List.of("course", "gpt2", "o200k"), series));
        assertTrue(e.getMessage().contains("series 'short' has 2 values but there are 3 categories"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Plots.bar("t", "x", "y", List.of("a"), new LinkedHashMap<String, double[]>()));
        var nan = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.bar("t", "x", "y", List.of("a"), Map.of("s", new double[] {Double.NaN})));
        assertTrue(nan.getMessage().contains("s[0] is NaN"), nan.getMessage());
    }

    @Test
    void badDataIsExplained() {
        var mismatch = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.line("t", "x", "y", new double[] {1, 2, 3}, new double[] {1, 2}));
        assertTrue(mismatch.getMessage().contains("has 2 values but x has 3"), mismatch.getMessage());
        var nan = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.line("t", "x", "y", new double[] {1, 2}, new double[] {1, Double.NaN}));
        assertTrue(nan.getMessage().contains("y[1] is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plots.line("t", "x", "y", new double[0], new double[0]));
    }

    @Test
    void logYNeedsPositiveValues() {
        double[] x = {1, 2, 3};
        Figure ok = Plots.line("t", "x", "y", x, new double[] {1, 10, 100}).logY();
        assertTrue(((org.knowm.xchart.XYChart) ok.chart()).getStyler().isYAxisLogarithmic());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Plots.line("t", "x", "y", x, new double[] {1, 0, 2}).logY());
        assertTrue(e.getMessage().contains("> 0"), e.getMessage());
    }

    @Test
    void heatmapsDrawLabelledCellsAndRefuseMismatchedLabels() throws Exception {
        double[][] values = {{1, 0}, {0.25, 0.75}};
        Heatmap map = Heatmap.of("weights", List.of("a", "b"), List.of("x", "y"), values, 0, 1);
        BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(map.png()));
        assertTrue(image.getWidth() > 100 && image.getHeight() > 60);
        assertTrue(map.mimeBundle().containsKey("image/png"));
        var e = assertThrows(
                IllegalArgumentException.class, () -> Heatmap.of("t", List.of("a"), List.of("x", "y"), values));
        assertTrue(e.getMessage().contains("1 row labels for 2 rows"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Heatmap.of("t", List.of("a", "b"), List.of("x", "y"), new double[][] {{1, Double.NaN}, {0, 0}}));
        try (var nd = fasttrack.runtime.Setup.manager().newSubManager()) {
            var weights = nd.ones(new ai.djl.ndarray.types.Shape(2, 3, 4, 4)).div(4);
            assertTrue(Heatmap.attention("head 1", weights, 1, 2, List.of("a", "b", "c", "d"))
                            .png()
                            .length
                    > 500);
            assertThrows(
                    IllegalArgumentException.class, () -> Heatmap.attention("bad", weights, 0, 0, List.of("a", "b")));
        }
    }
}

package fasttrack.plot;

import fasttrack.show.Displayable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.internal.chartpart.Chart;

/** An XChart chart that shows itself inline (PNG) in a notebook and saves as PNG or SVG. */
public final class Figure implements Displayable {

    private final Chart<?, ?> chart;

    private Figure(Chart<?, ?> chart) {
        if (chart == null) throw new IllegalArgumentException("chart must not be null");
        this.chart = chart;
    }

    public static Figure of(Chart<?, ?> chart) {
        return new Figure(chart);
    }

    /** The XChart chart, to style further before showing. */
    public Chart<?, ?> chart() {
        return chart;
    }

    public byte[] png() {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("could not render the chart as PNG: " + e.getMessage(), e);
        }
    }

    public Path savePng(Path file) throws IOException {
        return writeAtomically(file, png());
    }

    public Path saveSvg(Path file) throws IOException {
        Path tmp = Files.createTempFile(parentOf(file), ".figure-", ".svg");
        try {
            // XChart appends the extension to the name it is given: hand it the name without one.
            String base = tmp.toString().substring(0, tmp.toString().length() - ".svg".length());
            VectorGraphicsEncoder.saveVectorGraphic(chart, base, VectorGraphicsFormat.SVG);
            return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temp file beside the target, then an atomic rename: a crash never leaves half a picture. */
    private static Path writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(parentOf(file), ".figure-", ".tmp");
        try {
            Files.write(tmp, bytes);
            return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path parentOf(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return parent;
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("image/png", Base64.getEncoder().encodeToString(png()));
        bundle.put("text/plain", toString());
        return bundle;
    }

    @Override
    public String toString() {
        return "Figure: " + chart.getTitle() + " (" + chart.getWidth() + "x" + chart.getHeight() + ")";
    }
}

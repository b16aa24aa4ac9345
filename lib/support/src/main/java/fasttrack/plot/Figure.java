package fasttrack.plot;

import fasttrack.io.AtomicFiles;
import fasttrack.show.Displayable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
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

    /** A logarithmic y axis, for values spanning orders of magnitude (losses, errors); all must be positive. */
    public Figure logY() {
        if (!(chart instanceof org.knowm.xchart.XYChart xy)) {
            throw new IllegalStateException("only line and scatter charts have a logarithmic y axis option");
        }
        for (var series : xy.getSeriesMap().values()) {
            for (double y : series.getYData()) {
                if (!(y > 0))
                    throw new IllegalArgumentException("series '" + series.getName() + "' has the value " + y
                            + ": a logarithmic axis needs every value > 0");
            }
        }
        xy.getStyler().setYAxisLogarithmic(true);
        return this;
    }

    public byte[] png() {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("could not render the chart as PNG: " + e.getMessage(), e);
        }
    }

    /** Saves as PNG, atomically: a crash never leaves half a picture. */
    public Path savePng(Path file) throws IOException {
        return AtomicFiles.write(file, png());
    }

    public Path saveSvg(Path file) throws IOException {
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsFormat.SVG);
        return AtomicFiles.write(file, svg.toByteArray());
    }

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.png(png(), toString());
    }

    @Override
    public String toString() {
        return "Figure: " + chart.getTitle() + " (" + chart.getWidth() + "x" + chart.getHeight() + ")";
    }
}

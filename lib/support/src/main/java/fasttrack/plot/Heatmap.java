package fasttrack.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import fasttrack.io.AtomicFiles;
import fasttrack.show.Displayable;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A matrix drawn as coloured cells with labelled rows and columns: attention weights over tokens,
 * confusion matrices, correlations. Colours run from dark (min) to bright (max) on a viridis-like scale.
 */
public final class Heatmap implements Displayable {

    private static final Color[] SCALE = {
        new Color(0x440154), new Color(0x3b528b), new Color(0x21918c), new Color(0x5ec962), new Color(0xfde725)
    };

    private final String title;
    private final List<String> rows;
    private final List<String> columns;
    private final double[][] values;
    private final double min;
    private final double max;

    private Heatmap(String title, List<String> rows, List<String> columns, double[][] values, double min, double max) {
        this.title = title;
        this.rows = rows;
        this.columns = columns;
        this.values = values;
        this.min = min;
        this.max = max;
    }

    /** Colours scaled to the values' own range. */
    public static Heatmap of(String title, List<String> rows, List<String> columns, double[][] values) {
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double[] row : values)
            for (double v : row) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        return of(title, rows, columns, values, lo, hi);
    }

    /** Colours scaled to [min, max]: use [0, 1] for probabilities so maps are comparable. */
    public static Heatmap of(
            String title, List<String> rows, List<String> columns, double[][] values, double min, double max) {
        if (values == null || values.length == 0 || values[0].length == 0)
            throw new IllegalArgumentException("nothing to draw: the matrix is empty");
        if (rows.size() != values.length)
            throw new IllegalArgumentException(rows.size() + " row labels for " + values.length + " rows");
        for (double[] row : values) {
            if (row.length != columns.size())
                throw new IllegalArgumentException(columns.size() + " column labels for a row of " + row.length);
            for (double v : row)
                if (!Double.isFinite(v))
                    throw new IllegalArgumentException("the matrix holds " + v + ": only finite values can be drawn");
        }
        if (!(max >= min)) throw new IllegalArgumentException("max must be >= min, got [" + min + ", " + max + "]");
        return new Heatmap(title, List.copyOf(rows), List.copyOf(columns), values, min, max);
    }

    /**
     * The attention weights of one example and head, from an array shaped (T, T), (heads, T, T) or
     * (batch, heads, T, T); rows are queries (attending), columns keys (attended to).
     */
    public static Heatmap attention(String title, NDArray weights, int batch, int head, List<String> tokens) {
        NDArray w = weights;
        int dims = w.getShape().dimension();
        if (dims == 4) w = w.get(batch).get(head);
        else if (dims == 3) w = w.get(head);
        else if (dims != 2)
            throw new IllegalArgumentException(
                    "attention weights must be (T,T), (H,T,T) or (B,H,T,T), got " + weights.getShape());
        int t = (int) w.getShape().get(0);
        if (w.getShape().get(1) != t || tokens.size() != t) {
            throw new IllegalArgumentException(
                    "need a square T x T map and T tokens: map " + w.getShape() + ", " + tokens.size() + " tokens");
        }
        double[] flat = w.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] values = new double[t][t];
        for (int i = 0; i < t; i++) System.arraycopy(flat, i * t, values[i], 0, t);
        return of(title, tokens, tokens, values, 0, 1);
    }

    public BufferedImage image() {
        int n = rows.size(), m = columns.size();
        int cell = Math.max(8, Math.min(36, 640 / Math.max(n, m)));
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(13, cell - 4)));
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics metrics = measure.getFontMetrics(font);
        int rowLabelWidth = rows.stream().mapToInt(metrics::stringWidth).max().orElse(0) + 10;
        int columnLabelHeight =
                columns.stream().mapToInt(metrics::stringWidth).max().orElse(0) + 10;
        int titleHeight = 30, legend = 70;
        int titleWidth = measure.getFontMetrics(font.deriveFont(Font.BOLD, 14f)).stringWidth(title) + 16;
        measure.dispose();
        int width = Math.max(titleWidth, rowLabelWidth + m * cell + legend),
                height = titleHeight + columnLabelHeight + n * cell + 10;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(font.deriveFont(Font.BOLD, 14f));
        g.drawString(title, 8, 20);
        g.setFont(font);
        int top = titleHeight + columnLabelHeight;
        for (int i = 0; i < n; i++) {
            g.setColor(Color.BLACK);
            g.drawString(
                    rows.get(i),
                    rowLabelWidth - 6 - metrics.stringWidth(rows.get(i)),
                    top + i * cell + (cell + metrics.getAscent()) / 2 - 2);
            for (int j = 0; j < m; j++) {
                g.setColor(colour(values[i][j]));
                g.fillRect(rowLabelWidth + j * cell, top + i * cell, cell, cell);
            }
        }
        AffineTransform saved = g.getTransform();
        g.setColor(Color.BLACK);
        for (int j = 0; j < m; j++) { // column labels, rotated to read upward
            g.setTransform(saved);
            g.translate(rowLabelWidth + j * cell + (cell + metrics.getAscent()) / 2 - 2, top - 6);
            g.rotate(-Math.PI / 2);
            g.drawString(columns.get(j), 0, 0);
        }
        g.setTransform(saved);
        int barX = rowLabelWidth + m * cell + 14, barHeight = Math.max(40, n * cell);
        for (int y = 0; y < barHeight; y++) {
            g.setColor(colour(max - (max - min) * y / Math.max(1, barHeight - 1)));
            g.fillRect(barX, top + y, 12, 1);
        }
        g.setColor(Color.BLACK);
        g.drawString(format(max), barX + 16, top + metrics.getAscent());
        g.drawString(format(min), barX + 16, top + barHeight);
        g.dispose();
        return image;
    }

    public byte[] png() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image(), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("could not encode the heatmap as PNG: " + e.getMessage(), e);
        }
    }

    public Path savePng(Path file) throws IOException {
        return AtomicFiles.write(file, png());
    }

    private Color colour(double v) {
        double t = max == min ? 0.5 : Math.max(0, Math.min(1, (v - min) / (max - min)));
        double scaled = t * (SCALE.length - 1);
        int k = Math.min(SCALE.length - 2, (int) scaled);
        double f = scaled - k;
        Color a = SCALE[k], b = SCALE[k + 1];
        return new Color(
                (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 || v == Math.rint(v) ? "%.0f" : "%.2f", v);
    }

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.png(png(), toString());
    }

    @Override
    public String toString() {
        return "Heatmap: " + title + " (" + rows.size() + "x" + columns.size() + ")";
    }
}

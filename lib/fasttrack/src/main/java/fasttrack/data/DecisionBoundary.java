package fasttrack.data;

import fasttrack.plot.Figure;
import fasttrack.plot.Plots;
import java.awt.Color;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Where a classifier says "class 1": a shaded grid behind the labelled points. */
public final class DecisionBoundary {

    private static final int GRID = 70;

    private DecisionBoundary() {}

    /**
     * @param probability P(class 1) for each of a batch of points (one call for the whole grid)
     */
    public static Figure of(String title, Dataset2d data, Function<double[][], double[]> probability) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (double[] p : data.points()) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double padX = 0.1 * (maxX - minX) + 1e-9, padY = 0.1 * (maxY - minY) + 1e-9;
        minX -= padX;
        maxX += padX;
        minY -= padY;
        maxY += padY;
        double[][] grid = new double[GRID * GRID][];
        for (int i = 0; i < GRID; i++)
            for (int j = 0; j < GRID; j++)
                grid[i * GRID + j] =
                        new double[] {minX + (maxX - minX) * (j + 0.5) / GRID, minY + (maxY - minY) * (i + 0.5) / GRID};
        double[] p = probability.apply(grid);
        if (p == null || p.length != grid.length) {
            throw new IllegalArgumentException("the model must give one probability per grid point: expected "
                    + grid.length + ", got " + (p == null ? 0 : p.length));
        }
        Figure figure = Plots.scatterGroups(title, "x1", "x2", data.byClass());
        XYChart chart = (XYChart) figure.chart();
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisMin(minX).setXAxisMax(maxX).setYAxisMin(minY).setYAxisMax(maxY);
        Color[] regionColors = {new Color(0x1f77b4), new Color(0xff7f0e)};
        for (int cls = 0; cls <= 1; cls++) {
            final int c = cls;
            double[] xs = java.util.stream.IntStream.range(0, grid.length)
                    .filter(k -> (p[k] >= 0.5 ? 1 : 0) == c)
                    .mapToDouble(k -> grid[k][0])
                    .toArray();
            double[] ys = java.util.stream.IntStream.range(0, grid.length)
                    .filter(k -> (p[k] >= 0.5 ? 1 : 0) == c)
                    .mapToDouble(k -> grid[k][1])
                    .toArray();
            if (xs.length == 0) continue;
            XYSeries region = chart.addSeries("predicted " + cls, xs, ys);
            region.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            region.setMarker(SeriesMarkers.SQUARE);
            Color base = regionColors[cls];
            region.setMarkerColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), 40));
            region.setShowInLegend(false);
        }
        // Points on top of the shading: XChart draws series in insertion order, so move the classes last.
        for (String name : new String[] {"class 0", "class 1"}) {
            XYSeries s = chart.removeSeries(name);
            if (s != null) {
                XYSeries again = chart.addSeries(name, s.getXData(), s.getYData());
                again.setMarkerColor(regionColors[name.endsWith("0") ? 0 : 1]);
                again.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return figure;
    }
}

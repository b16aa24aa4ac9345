package fasttrack.plot;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The course's common pictures, one call each, styled alike. */
public final class Plots {

    static final int WIDTH = 640;
    static final int HEIGHT = 400;

    private Plots() {}

    public static Figure line(String title, String xLabel, String yLabel, double[] x, double[] y) {
        return line(title, xLabel, yLabel, x, Map.of(yLabel, y));
    }

    /** Several lines over one x axis; the map's order is the legend's. */
    public static Figure line(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> ys) {
        return xy(title, xLabel, yLabel, x, ys, XYSeriesRenderStyle.Line);
    }

    public static Figure scatter(String title, String xLabel, String yLabel, double[] x, double[] y) {
        return scatter(title, xLabel, yLabel, x, Map.of(yLabel, y));
    }

    public static Figure scatter(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> ys) {
        return xy(title, xLabel, yLabel, x, ys, XYSeriesRenderStyle.Scatter);
    }

    /** Point groups, each with its own x and y values ({@code {xs, ys}}): classes, clusters. */
    public static Figure scatterGroups(String title, String xLabel, String yLabel, Map<String, double[][]> groups) {
        if (groups == null || groups.isEmpty()) throw new IllegalArgumentException("give at least one group of points");
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        for (Map.Entry<String, double[][]> group : new LinkedHashMap<>(groups).entrySet()) {
            double[][] xy = group.getValue();
            if (xy == null || xy.length != 2)
                throw new IllegalArgumentException("group '" + group.getKey() + "' must be {xs, ys}");
            requireValues(group.getKey() + " x", xy[0]);
            requireValues(group.getKey() + " y", xy[1]);
            if (xy[0].length != xy[1].length) {
                throw new IllegalArgumentException(
                        "group '" + group.getKey() + "' has " + xy[0].length + " xs but " + xy[1].length + " ys");
            }
            chart.addSeries(group.getKey(), xy[0], xy[1]);
        }
        return Figure.of(chart);
    }

    public static Figure bar(String title, String xLabel, String yLabel, List<String> categories, double[] values) {
        requireValues("values", values);
        if (categories == null || categories.size() != values.length) {
            throw new IllegalArgumentException("bar needs one category per value: "
                    + (categories == null ? 0 : categories.size()) + " categories, " + values.length + " values");
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries(yLabel, categories, Arrays.stream(values).boxed().toList());
        return Figure.of(chart);
    }

    /**
     * Grouped bars: one group per category, one bar in each group per series, the map's order the legend's
     * (bytes per token of several tokenizers on two texts, say).
     */
    public static Figure bar(
            String title, String xLabel, String yLabel, List<String> categories, Map<String, double[]> series) {
        if (series == null || series.isEmpty()) throw new IllegalArgumentException("give at least one series of bars");
        if (categories == null || categories.isEmpty())
            throw new IllegalArgumentException("give at least one category");
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Map.Entry<String, double[]> s : new LinkedHashMap<>(series).entrySet()) {
            double[] values = s.getValue();
            requireValues(s.getKey(), values);
            if (values.length != categories.size()) {
                throw new IllegalArgumentException("series '" + s.getKey() + "' has " + values.length
                        + " values but there are " + categories.size() + " categories; give one value per category");
            }
            chart.addSeries(
                    s.getKey(), categories, Arrays.stream(values).boxed().toList());
        }
        return Figure.of(chart);
    }

    private static Figure xy(
            String title,
            String xLabel,
            String yLabel,
            double[] x,
            Map<String, double[]> ys,
            XYSeriesRenderStyle style) {
        requireValues("x", x);
        if (ys == null || ys.isEmpty()) throw new IllegalArgumentException("give at least one y series");
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(style);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisTickMarkSpacingHint(90); // long runs: fewer, readable step labels
        chart.getStyler().setLegendVisible(ys.size() > 1);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        for (Map.Entry<String, double[]> series : new LinkedHashMap<>(ys).entrySet()) {
            double[] y = series.getValue();
            requireValues(series.getKey(), y);
            if (y.length != x.length) {
                throw new IllegalArgumentException("series '" + series.getKey() + "' has " + y.length
                        + " values but x has " + x.length + "; they must match");
            }
            var added = chart.addSeries(series.getKey(), x, y);
            if (style == XYSeriesRenderStyle.Line) added.setMarker(SeriesMarkers.NONE);
        }
        return Figure.of(chart);
    }

    private static void requireValues(String name, double[] values) {
        if (values == null || values.length == 0)
            throw new IllegalArgumentException(name + " is empty: nothing to plot");
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] is " + values[i] + ": only finite numbers can be plotted");
            }
        }
    }
}

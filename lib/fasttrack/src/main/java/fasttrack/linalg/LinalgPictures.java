package fasttrack.linalg;

import fasttrack.plot.Figure;
import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Strang's pictures of a 2×2 system and of a matrix as a map of the plane. */
public final class LinalgPictures {

    private static final int SIZE = 480;

    private LinalgPictures() {}

    /** The row picture: each equation is a line; the solution is where they cross. */
    public static Figure rows(double[][] a, double[] b) {
        require2x2(a, b);
        double[] solution = trySolve(a, b);
        double reach = 4;
        if (solution != null) reach = Math.max(reach, 1.5 * Math.max(Math.abs(solution[0]), Math.abs(solution[1])));
        XYChart chart = squareChart("Row picture: each row of Ax = b is a line", reach);
        for (int i = 0; i < 2; i++) {
            String name = "row " + (i + 1) + ": " + equation(a[i], b[i]);
            if (a[i][1] != 0) { // y = (b − a₀x) / a₁
                chart.addSeries(name, new double[] {-reach, reach}, new double[] {
                    (b[i] + a[i][0] * reach) / a[i][1], (b[i] - a[i][0] * reach) / a[i][1]
                });
            } else if (a[i][0] != 0) { // vertical: x = b / a₀
                chart.addSeries(name, new double[] {b[i] / a[i][0], b[i] / a[i][0]}, new double[] {-reach, reach});
            } else {
                throw new IllegalArgumentException(
                        "row " + (i + 1) + " of A is zero: it is not the equation of a line");
            }
        }
        if (solution != null)
            point(
                    chart,
                    "solution (" + Matrices.format(solution[0]) + ", " + Matrices.format(solution[1]) + ")",
                    solution);
        return Figure.of(chart);
    }

    /** The column picture: x times column 1 plus y times column 2 lands on b. */
    public static Figure columns(double[][] a, double[] b) {
        require2x2(a, b);
        double[] solution = trySolve(a, b);
        double[] c1 = {a[0][0], a[1][0]}, c2 = {a[0][1], a[1][1]};
        double reach = 1.2 * max(Math.abs(b[0]), Math.abs(b[1]), Math.hypot(c1[0], c1[1]), Math.hypot(c2[0], c2[1]), 1);
        if (solution != null) {
            reach = Math.max(
                    reach,
                    1.2
                            * Math.max(
                                    Math.abs(solution[0] * c1[0]) + Math.abs(solution[1] * c2[0]),
                                    Math.abs(solution[0] * c1[1]) + Math.abs(solution[1] * c2[1])));
        }
        XYChart chart = squareChart("Column picture: b as a combination of A's columns", reach);
        arrow(chart, "column 1", new double[] {0, 0}, c1, new Color(0x1f77b4), 1.5f);
        arrow(chart, "column 2", new double[] {0, 0}, c2, new Color(0xff7f0e), 1.5f);
        if (solution != null) {
            double[] first = {solution[0] * c1[0], solution[0] * c1[1]};
            arrow(
                    chart,
                    Matrices.format(solution[0]) + " x column 1",
                    new double[] {0, 0},
                    first,
                    new Color(0x1f77b4),
                    3.5f);
            arrow(
                    chart,
                    "+ " + Matrices.format(solution[1]) + " x column 2",
                    first,
                    new double[] {first[0] + solution[1] * c2[0], first[1] + solution[1] * c2[1]},
                    new Color(0xff7f0e),
                    3.5f);
        }
        arrow(chart, "b", new double[] {0, 0}, b, Color.BLACK, 1f);
        return Figure.of(chart);
    }

    /**
     * What A does to the plane: the unit circle and its image (an ellipse, or a segment if A is
     * singular), with the real eigenvectors and where A sends them (along their own line).
     */
    public static Figure transform(double[][] a) {
        require2x2(a, new double[2]);
        int points = 120;
        double[] cx = new double[points + 1],
                cy = new double[points + 1],
                ex = new double[points + 1],
                ey = new double[points + 1];
        double reach = 1.2;
        for (int k = 0; k <= points; k++) {
            double t = 2 * Math.PI * k / points;
            cx[k] = Math.cos(t);
            cy[k] = Math.sin(t);
            ex[k] = a[0][0] * cx[k] + a[0][1] * cy[k];
            ey[k] = a[1][0] * cx[k] + a[1][1] * cy[k];
            reach = Math.max(reach, 1.15 * Math.max(Math.abs(ex[k]), Math.abs(ey[k])));
        }
        XYChart chart = squareChart("What A does: the unit circle and its image", reach);
        XYSeries circle = chart.addSeries("unit circle x", cx, cy);
        circle.setLineColor(Color.GRAY);
        circle.setMarker(SeriesMarkers.NONE);
        XYSeries image = chart.addSeries("image Ax", ex, ey);
        image.setLineColor(new Color(0x2ca02c));
        image.setMarker(SeriesMarkers.NONE);
        try {
            Eigen.Pair[] pairs = Eigen.twoByTwo(a);
            Color[] colors = {new Color(0xd62728), new Color(0x9467bd)};
            for (int i = 0; i < 2; i++) {
                double[] v = pairs[i].vector();
                double lambda = pairs[i].value();
                arrow(chart, "eigenvector " + (i + 1), new double[] {0, 0}, v, colors[i], 1.5f);
                arrow(
                        chart,
                        "A v" + (i + 1) + " = " + Matrices.format(lambda) + " v" + (i + 1),
                        new double[] {0, 0},
                        new double[] {lambda * v[0], lambda * v[1]},
                        colors[i],
                        4f);
            }
        } catch (ArithmeticException noRealEigenvectors) {
            chart.setTitle("What A does (no real eigenvectors: "
                    + noRealEigenvectors.getMessage().split(":")[0] + ")");
        }
        return Figure.of(chart);
    }

    private static XYChart squareChart(String title, double reach) {
        XYChart chart = new XYChartBuilder()
                .width(SIZE + 160)
                .height(SIZE)
                .title(title)
                .xAxisTitle("x")
                .yAxisTitle("y")
                .build();
        var styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(LegendPosition.OutsideE);
        styler.setXAxisMin(-reach).setXAxisMax(reach).setYAxisMin(-reach).setYAxisMax(reach);
        styler.setMarkerSize(7);
        return chart;
    }

    private static void arrow(XYChart chart, String name, double[] from, double[] to, Color color, float width) {
        XYSeries s = chart.addSeries(name, new double[] {from[0], to[0]}, new double[] {from[1], to[1]});
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(width));
        s.setMarker(SeriesMarkers.NONE);
        XYSeries tip = chart.addSeries(name + " ", new double[] {to[0]}, new double[] {to[1]});
        tip.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        tip.setMarker(SeriesMarkers.DIAMOND);
        tip.setMarkerColor(color);
        tip.setShowInLegend(false);
    }

    private static void point(XYChart chart, String name, double[] p) {
        XYSeries s = chart.addSeries(name, new double[] {p[0]}, new double[] {p[1]});
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(Color.BLACK);
    }

    private static double[] trySolve(double[][] a, double[] b) {
        try {
            return Elimination.solve(a, b).x();
        } catch (SingularMatrixException singular) {
            return null; // parallel lines / parallel columns: nothing to mark
        }
    }

    private static void require2x2(double[][] a, double[] b) {
        if (Matrices.requireSquare("A", a) != 2 || b == null || b.length != 2) {
            throw new IllegalArgumentException("the pictures are for 2x2 systems: A must be 2x2 and b have 2 entries");
        }
    }

    private static String equation(double[] row, double rhs) {
        return Matrices.format(row[0]) + "x " + (row[1] < 0 ? "- " : "+ ") + Matrices.format(Math.abs(row[1])) + "y = "
                + Matrices.format(rhs);
    }

    private static double max(double... values) {
        double m = values[0];
        for (double v : values) m = Math.max(m, v);
        return m;
    }
}

package fasttrack.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import fasttrack.show.Html;
import java.util.Locale;

/**
 * Plain Java matrices ({@code double[row][column]}) for the hand-written algorithms, and the bridge
 * to and from the engine's NDArrays. Inputs are validated and never modified.
 */
public final class Matrices {

    private Matrices() {}

    /** Checks {@code a} is a non-empty rectangular matrix of finite numbers; returns its column count. */
    public static int requireRectangular(String name, double[][] a) {
        if (a == null || a.length == 0 || a[0] == null || a[0].length == 0) {
            throw new IllegalArgumentException(name + " is empty: give at least one row and one column");
        }
        int columns = a[0].length;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != columns) {
                throw new IllegalArgumentException(name + " is ragged: row 0 has " + columns + " entries but row " + i
                        + " has " + (a[i] == null ? 0 : a[i].length));
            }
            for (int j = 0; j < columns; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException(
                            name + "[" + i + "][" + j + "] is " + a[i][j] + ": entries must be finite");
                }
            }
        }
        return columns;
    }

    /** Checks {@code a} is square; returns its size. */
    public static int requireSquare(String name, double[][] a) {
        int n = requireRectangular(name, a);
        if (n != a.length) {
            throw new IllegalArgumentException(name + " must be square, but it is " + a.length + "x" + n);
        }
        return n;
    }

    public static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    public static double[][] identity(int n) {
        double[][] eye = new double[n][n];
        for (int i = 0; i < n; i++) eye[i][i] = 1;
        return eye;
    }

    public static double[][] transpose(double[][] a) {
        int columns = requireRectangular("a", a);
        double[][] t = new double[columns][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < columns; j++) t[j][i] = a[i][j];
        return t;
    }

    public static double[][] multiply(double[][] a, double[][] b) {
        int inner = requireRectangular("a", a);
        int columns = requireRectangular("b", b);
        if (inner != b.length) {
            throw new IllegalArgumentException("cannot multiply " + a.length + "x" + inner + " by " + b.length + "x"
                    + columns + ": the inner sizes must agree");
        }
        double[][] c = new double[a.length][columns];
        for (int i = 0; i < a.length; i++)
            for (int p = 0; p < inner; p++) for (int j = 0; j < columns; j++) c[i][j] += a[i][p] * b[p][j];
        return c;
    }

    public static double[] multiply(double[][] a, double[] x) {
        double[][] column = new double[x.length][1];
        for (int i = 0; i < x.length; i++) column[i][0] = x[i];
        double[][] product = multiply(a, column);
        double[] y = new double[product.length];
        for (int i = 0; i < y.length; i++) y[i] = product[i][0];
        return y;
    }

    /** The largest absolute entry-wise difference: how far apart two matrices are. */
    public static double maxAbsDifference(double[][] a, double[][] b) {
        int columns = requireRectangular("a", a);
        if (a.length != b.length || columns != requireRectangular("b", b)) {
            throw new IllegalArgumentException("cannot compare a " + a.length + "x" + columns + " matrix with a "
                    + b.length + "x" + b[0].length + " one");
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < columns; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
        return worst;
    }

    /** A 2-D NDArray (any numeric type) as a Java matrix. */
    public static double[][] of(NDArray array) {
        if (array.getShape().dimension() != 2) {
            throw new IllegalArgumentException("expected a 2-D array (a matrix), got shape " + array.getShape());
        }
        int rows = (int) array.getShape().get(0),
                columns = (int) array.getShape().get(1);
        double[] flat = array.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] a = new double[rows][columns];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * columns, a[i], 0, columns);
        return a;
    }

    /** A Java matrix as a float64 NDArray owned by {@code manager}. */
    public static NDArray toNDArray(NDManager manager, double[][] a) {
        requireRectangular("a", a);
        return manager.create(a);
    }

    /** A matrix as an HTML table (entries rounded to 3 decimals), optionally with a caption. */
    public static Html html(String caption, double[][] a) {
        int columns = requireRectangular("matrix", a);
        StringBuilder html =
                new StringBuilder("<table style='display:inline-table;margin:4px 12px;border-left:2px solid #333;"
                        + "border-right:2px solid #333'>");
        if (caption != null)
            html.append("<caption>").append(Html.escape(caption)).append("</caption>");
        for (double[] row : a) {
            html.append("<tr>");
            for (int j = 0; j < columns; j++) {
                html.append("<td style='text-align:right;padding:1px 6px'>")
                        .append(format(row[j]))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        return Html.of(html.append("</table>").toString(), (caption == null ? "" : caption + "\n") + text(a));
    }

    /** A matrix as aligned text, one row per line. */
    public static String text(double[][] a) {
        StringBuilder out = new StringBuilder();
        for (double[] row : a) {
            out.append('[');
            for (int j = 0; j < row.length; j++)
                out.append(j == 0 ? "" : " ").append(String.format(Locale.ROOT, "%8s", format(row[j])));
            out.append(" ]\n");
        }
        return out.toString();
    }

    static String format(double v) {
        if (Math.abs(v) < 5e-10) v = 0; // -0 and round-off below display precision read as 0
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}

package fasttrack.linalg;

import fasttrack.show.Displayable;
import fasttrack.show.Html;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gaussian elimination on the augmented matrix {@code [A | b]}, written out step by step as in
 * Strang's lectures: subtract multiples of each pivot row to clear the column below the pivot, then
 * back-substitute. Every step is recorded so a notebook can show the matrices as they change.
 */
public final class Elimination {

    /** Below this (relative to the largest entry of A) a pivot counts as zero. */
    static final double ZERO = 1e-12;

    /** One step: what was done, and the augmented matrix after it. */
    public record Step(String action, double[][] augmented) {}

    /** The solution of Ax = b and the steps that found it. */
    public record Solution(double[] x, List<Step> steps) implements Displayable {

        @Override
        public Map<String, String> mimeBundle() {
            StringBuilder html = new StringBuilder("<div>");
            StringBuilder text = new StringBuilder();
            for (Step step : steps) {
                Html matrix = Matrices.html(null, step.augmented());
                html.append("<div style='margin:6px 0'><b>")
                        .append(Html.escape(step.action()))
                        .append("</b><br>")
                        .append(matrix.html())
                        .append("</div>");
                text.append(step.action()).append('\n').append(matrix.text());
            }
            html.append("<p>x = ").append(Html.escape(vector(x))).append("</p></div>");
            Map<String, String> bundle = new LinkedHashMap<>();
            bundle.put("text/html", html.toString());
            bundle.put("text/plain", text.append("x = ").append(vector(x)).toString());
            return bundle;
        }

        @Override
        public String toString() {
            return steps.size() + " steps, x = " + vector(x);
        }
    }

    private Elimination() {}

    /**
     * Solves Ax = b exchanging rows only when a pivot is zero (Strang's rule).
     *
     * @throws SingularMatrixException when no row below can supply a pivot: A is not invertible
     */
    public static Solution solve(double[][] a, double[] b) {
        return run(a, b, true);
    }

    /**
     * Solves Ax = b with no row exchanges at all, the way elimination is first taught.
     *
     * @throws ZeroPivotException when a zero lands in a pivot position, even if exchanging rows would fix it
     */
    public static Solution solveWithoutRowExchanges(double[][] a, double[] b) {
        return run(a, b, false);
    }

    private static Solution run(double[][] a, double[] b, boolean exchangeRows) {
        int n = Matrices.requireSquare("A", a);
        if (b == null || b.length != n) {
            throw new IllegalArgumentException("b must have one entry per row of A: A is " + n + "x" + n + ", b has "
                    + (b == null ? 0 : b.length));
        }
        double[][] m = new double[n][n + 1];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
            for (double v : a[i]) scale = Math.max(scale, Math.abs(v));
        }
        double zero = ZERO * Math.max(scale, Double.MIN_NORMAL);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("start: [A | b]", Matrices.copy(m)));

        for (int k = 0; k < n; k++) {
            if (Math.abs(m[k][k]) <= zero) {
                if (!exchangeRows) {
                    throw new ZeroPivotException(
                            k,
                            "pivot " + (k + 1) + " is zero: elimination without row exchanges"
                                    + " stops here. Exchange row " + (k + 1)
                                    + " with a row below that has a nonzero entry in column "
                                    + (k + 1) + " (Elimination.solve does), or A is singular.");
                }
                int swap = k + 1;
                while (swap < n && Math.abs(m[swap][k]) <= zero) swap++;
                if (swap == n) {
                    throw new SingularMatrixException(
                            k,
                            "column " + (k + 1) + " has no nonzero pivot on or below row " + (k + 1)
                                    + ": A is singular (its columns are dependent), so Ax = b has no unique solution");
                }
                double[] row = m[k];
                m[k] = m[swap];
                m[swap] = row;
                steps.add(new Step(
                        "exchange rows " + (k + 1) + " and " + (swap + 1) + " (pivot " + (k + 1) + " was zero)",
                        Matrices.copy(m)));
            }
            for (int i = k + 1; i < n; i++) {
                double multiplier = m[i][k] / m[k][k];
                if (multiplier == 0) continue;
                for (int j = k; j <= n; j++) m[i][j] -= multiplier * m[k][j];
                m[i][k] = 0; // exactly, not round-off
                steps.add(new Step(
                        "row " + (i + 1) + " -= " + Matrices.format(multiplier) + " x row " + (k + 1)
                                + "   (multiplier l" + (i + 1) + (k + 1) + ")",
                        Matrices.copy(m)));
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = m[i][n];
            for (int j = i + 1; j < n; j++) sum -= m[i][j] * x[j];
            x[i] = sum / m[i][i];
        }
        steps.add(new Step("back substitution: x = " + vector(x), Matrices.copy(m)));
        return new Solution(x, List.copyOf(steps));
    }

    static String vector(double[] x) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < x.length; i++) s.append(i == 0 ? "" : ", ").append(Matrices.format(x[i]));
        return s.append(')').toString();
    }
}

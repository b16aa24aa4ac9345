package fasttrack.scale;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * The fits of Chinchilla (Hoffmann et al. 2022): a parabola through each IsoFLOP profile (its
 * second approach), a power law through the optima, and the loss surface
 * L(N, D) = E + A/N^α + B/D^β (its third approach).
 */
public final class ScalingFits {

    private ScalingFits() {}

    /** y = a·x² + b·x + c; with a > 0 its minimum is at x = −b / 2a. */
    public record Parabola(double a, double b, double c) {
        public double at(double x) {
            return (a * x + b) * x + c;
        }

        public double argmin() {
            if (!(a > 0))
                throw new IllegalStateException("the parabola opens downwards (a = " + a + "): it has no minimum");
            return -b / (2 * a);
        }
    }

    /** y = k·x^exponent. */
    public record PowerLaw(double k, double exponent) {
        public double at(double x) {
            return k * Math.pow(x, exponent);
        }
    }

    /**
     * L(N, D) = E + A/N^α + B/D^β: E the loss of a perfect model of the text (its entropy), the other
     * terms what a finite model and finite data add. Minimising it at fixed compute C = 6ND gives
     * N_opt ∝ C^{β/(α+β)} and D_opt ∝ C^{α/(α+β)}.
     */
    public record LossSurface(double e, double a, double alpha, double b, double beta, double rms) {
        public double at(double n, double d) {
            return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta);
        }

        /** The exponent of N_opt ∝ C^a. */
        public double parameterExponent() {
            return beta / (alpha + beta);
        }

        /** The exponent of D_opt ∝ C^b. */
        public double dataExponent() {
            return alpha / (alpha + beta);
        }
    }

    /** The least-squares parabola through (x, y); at least 3 points. */
    public static Parabola parabola(double[] x, double[] y) {
        requirePoints(x, y, 3, "a parabola");
        double[] coefficients = leastSquares(x.length, 3, (i, j) -> Math.pow(x[i], 2 - j), y);
        return new Parabola(coefficients[0], coefficients[1], coefficients[2]);
    }

    /** The least-squares line through (log x, log y), as y = k·x^exponent; positive values, at least 2 points. */
    public static PowerLaw powerLaw(double[] x, double[] y) {
        requirePoints(x, y, 2, "a power law");
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] > 0) || !(y[i] > 0))
                throw new IllegalArgumentException(
                        "a power law needs positive values, got (" + x[i] + ", " + y[i] + ") at " + i);
        }
        double[] c = leastSquares(x.length, 2, (i, j) -> j == 0 ? Math.log(x[i]) : 1, logs(y));
        return new PowerLaw(Math.exp(c[1]), c[0]);
    }

    /**
     * Fits L(N, D) = E + A/N^α + B/D^β by least squares. For fixed exponents the loss is linear in
     * E, A and B, solved exactly; the exponents are searched on a grid over [0.02, 2] and then refined
     * around the best point, which (unlike gradient descent from one start) cannot stop in a poor local
     * minimum. Needs at least 6 runs with more than one N and more than one D.
     */
    public static LossSurface lossSurface(double[] n, double[] d, double[] loss) {
        requirePoints(n, loss, 6, "the loss surface (5 parameters)");
        if (d.length != n.length)
            throw new IllegalArgumentException(
                    "need as many token counts as model sizes, got " + d.length + " and " + n.length);
        double best = Double.POSITIVE_INFINITY, bestAlpha = 0, bestBeta = 0;
        double[] bestCoefficients = null;
        double alphaLo = 0.02, alphaHi = 2, betaLo = 0.02, betaHi = 2, step = 0.02;
        for (int round = 0; round < 3; round++) {
            for (double alpha = alphaLo; alpha <= alphaHi + 1e-12; alpha += step) {
                for (double beta = betaLo; beta <= betaHi + 1e-12; beta += step) {
                    double[] c = linearPart(n, d, loss, alpha, beta);
                    if (c == null) continue;
                    double sse = sse(n, d, loss, c, alpha, beta);
                    if (sse < best) {
                        best = sse;
                        bestAlpha = alpha;
                        bestBeta = beta;
                        bestCoefficients = c;
                    }
                }
            }
            if (bestCoefficients == null) break;
            // zoom in: a grid ten times finer over two old steps either side of the best pair
            alphaLo = Math.max(0.001, bestAlpha - 2 * step);
            alphaHi = bestAlpha + 2 * step;
            betaLo = Math.max(0.001, bestBeta - 2 * step);
            betaHi = bestBeta + 2 * step;
            step /= 10;
        }
        if (bestCoefficients == null)
            throw new IllegalArgumentException(
                    "no exponents in [0.02, 2] give A, B >= 0: these losses do not fall with N and D");
        return new LossSurface(
                bestCoefficients[0],
                bestCoefficients[1],
                bestAlpha,
                bestCoefficients[2],
                bestBeta,
                Math.sqrt(best / n.length));
    }

    /** E, A, B for fixed exponents, or null when A or B would be negative (loss rising with size). */
    private static double[] linearPart(double[] n, double[] d, double[] loss, double alpha, double beta) {
        double[] c;
        try {
            c = leastSquares(
                    n.length, 3, (i, j) -> j == 0 ? 1 : j == 1 ? Math.pow(n[i], -alpha) : Math.pow(d[i], -beta), loss);
        } catch (IllegalArgumentException singular) {
            return null;
        }
        return c[1] >= 0 && c[2] >= 0 ? c : null;
    }

    private static double sse(double[] n, double[] d, double[] loss, double[] c, double alpha, double beta) {
        double sum = 0;
        for (int i = 0; i < n.length; i++) {
            double r = loss[i] - (c[0] + c[1] * Math.pow(n[i], -alpha) + c[2] * Math.pow(d[i], -beta));
            sum += r * r;
        }
        return sum;
    }

    private interface Design {
        double at(int row, int column);
    }

    private static double[] leastSquares(int rows, int columns, Design design, double[] y) {
        Array2DRowRealMatrix x = new Array2DRowRealMatrix(rows, columns);
        for (int i = 0; i < rows; i++) for (int j = 0; j < columns; j++) x.setEntry(i, j, design.at(i, j));
        QRDecomposition qr = new QRDecomposition(x, 1e-12);
        if (!qr.getSolver().isNonSingular())
            throw new IllegalArgumentException("the points do not determine the fit (too few distinct x values)");
        RealVector solution = qr.getSolver().solve(new ArrayRealVector(y));
        return solution.toArray();
    }

    private static double[] logs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.log(v[i]);
        return out;
    }

    private static void requirePoints(double[] x, double[] y, int least, String what) {
        if (x.length != y.length)
            throw new IllegalArgumentException("x and y differ in length: " + x.length + " and " + y.length);
        if (x.length < least)
            throw new IllegalArgumentException(what + " needs at least " + least + " points, got " + x.length);
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i]))
                throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
        }
    }
}

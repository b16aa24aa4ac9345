package fasttrack.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A = U Σ Vᵀ by one-sided Jacobi: rotate pairs of columns of A until all are orthogonal. The
 * rotations collect into V, the column lengths are the singular values, and the normalised
 * columns are U. Singular values come out sorted, largest first.
 *
 * @param u m×k with orthonormal columns (k = min(m, n); a column for a zero singular value is zero)
 * @param s the k singular values, descending
 * @param v n×k with orthonormal columns
 */
public record Svd(double[][] u, double[] s, double[][] v) {

    private static final int MAX_SWEEPS = 60;

    public static Svd of(double[][] a) {
        int n = Matrices.requireRectangular("A", a);
        if (a.length < n) { // work on the tall side: A = UΣVᵀ  ⇔  Aᵀ = VΣUᵀ
            Svd t = of(Matrices.transpose(a));
            return new Svd(t.v, t.s, t.u);
        }
        int m = a.length;
        double[][] w = Matrices.copy(a);
        double[][] v = Matrices.identity(n);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < m; i++) {
                        alpha += w[i][p] * w[i][p];
                        beta += w[i][q] * w[i][q];
                        gamma += w[i][p] * w[i][q];
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t), s = c * t;
                    rotate(w, p, q, c, s);
                    rotate(v, p, q, c, s);
                }
            }
            if (!rotated) break;
        }
        double[] sigma = new double[n];
        for (int j = 0; j < n; j++) {
            double norm = 0;
            for (int i = 0; i < m; i++) norm += w[i][j] * w[i][j];
            sigma[j] = Math.sqrt(norm);
        }
        Integer[] order = IntStream.range(0, n)
                .boxed()
                .sorted(Comparator.comparingDouble(j -> -sigma[j]))
                .toArray(Integer[]::new);
        double largest = sigma[order[0]];
        double[][] u = new double[m][n];
        double[][] vSorted = new double[n][n];
        double[] s = new double[n];
        for (int k = 0; k < n; k++) {
            int j = order[k];
            s[k] = sigma[j];
            for (int i = 0; i < n; i++) vSorted[i][k] = v[i][j];
            if (s[k] > 1e-14 * largest) for (int i = 0; i < m; i++) u[i][k] = w[i][j] / s[k];
        }
        return new Svd(u, s, vSorted);
    }

    /** U Σ Vᵀ, multiplied back out. */
    public double[][] reconstruct() {
        double[][] us = Matrices.copy(u);
        for (double[] row : us) for (int k = 0; k < s.length; k++) row[k] *= s[k];
        return Matrices.multiply(us, Matrices.transpose(v));
    }

    /** How many singular values exceed {@code tolerance} times the largest. */
    public int rank(double tolerance) {
        return (int) Arrays.stream(s).filter(x -> x > tolerance * s[0]).count();
    }

    /** Σ as a diagonal matrix. */
    public double[][] sigma() {
        double[][] d = new double[s.length][s.length];
        for (int i = 0; i < s.length; i++) d[i][i] = s[i];
        return d;
    }

    private static void rotate(double[][] m, int p, int q, double c, double s) {
        for (double[] row : m) {
            double x = row[p], y = row[q];
            row[p] = c * x - s * y;
            row[q] = s * x + c * y;
        }
    }
}

package fasttrack.linalg;

/** The inverse by Gauss–Jordan: eliminate on [A | I] until the left half is I; the right half is A⁻¹. */
public final class GaussJordan {

    private GaussJordan() {}

    /** @throws SingularMatrixException when A has no inverse (some column has no pivot) */
    public static double[][] inverse(double[][] a) {
        int n = Matrices.requireSquare("A", a);
        double[][] m = new double[n][2 * n];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
            for (double v : a[i]) scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < n; k++) {
            int best = k;
            for (int i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[best][k])) best = i;
            if (Math.abs(m[best][k]) <= Elimination.ZERO * Math.max(scale, Double.MIN_NORMAL)) {
                throw new SingularMatrixException(
                        k,
                        "A is singular: column " + (k + 1) + " has no pivot, so A has no inverse"
                                + " (det A = 0; its columns are dependent)");
            }
            double[] row = m[k];
            m[k] = m[best];
            m[best] = row;
            double pivot = m[k][k];
            for (int j = 0; j < 2 * n; j++) m[k][j] /= pivot;
            for (int i = 0; i < n; i++) {
                if (i == k || m[i][k] == 0) continue;
                double multiplier = m[i][k];
                for (int j = 0; j < 2 * n; j++) m[i][j] -= multiplier * m[k][j];
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], n, inverse[i], 0, n);
        return inverse;
    }
}

package fasttrack.linalg;

/**
 * A = QR by modified Gram–Schmidt: Q's columns are orthonormal and span A's columns, R is upper
 * triangular and records how much of each earlier direction every column of A contained.
 * Needs m ≥ n and independent columns.
 */
public record Qr(double[][] q, double[][] r) {

    public static Qr of(double[][] a) {
        int n = Matrices.requireRectangular("A", a);
        int m = a.length;
        if (m < n)
            throw new IllegalArgumentException("QR here needs at least as many rows as columns; A is " + m + "x" + n);
        double[][] q = Matrices.copy(a);
        double[][] r = new double[n][n];
        double scale = 0;
        for (double[] row : a) for (double v : row) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < n; k++) {
            double norm = 0;
            for (int i = 0; i < m; i++) norm += q[i][k] * q[i][k];
            norm = Math.sqrt(norm);
            if (norm <= Elimination.ZERO * Math.max(scale, Double.MIN_NORMAL) * m) {
                throw new IllegalArgumentException(
                        "column " + (k + 1) + " of A is a combination of the columns before it:"
                                + " the columns are dependent, so there is no new direction for Q");
            }
            r[k][k] = norm;
            for (int i = 0; i < m; i++) q[i][k] /= norm;
            for (int j = k + 1; j < n; j++) { // remove direction k from every later column now (the "modified" part)
                double dot = 0;
                for (int i = 0; i < m; i++) dot += q[i][k] * q[i][j];
                r[k][j] = dot;
                for (int i = 0; i < m; i++) q[i][j] -= dot * q[i][k];
            }
        }
        return new Qr(q, r);
    }
}

package fasttrack.linalg;

/**
 * PA = LU by elimination with partial pivoting: at each column the row with the largest pivot
 * moves up (numerically safer than Strang's "only when zero"), L keeps the multipliers below a unit
 * diagonal, U is what elimination leaves. A singular A still factors; U then has a zero pivot.
 *
 * @param permutation row i of PA is row {@code permutation[i]} of A
 * @param exchanges   how many row exchanges P makes (its determinant is (-1)^exchanges)
 */
public record Lu(int[] permutation, double[][] l, double[][] u, int exchanges) {

    public static Lu of(double[][] a) {
        int n = Matrices.requireSquare("A", a);
        double[][] u = Matrices.copy(a);
        double[][] l = Matrices.identity(n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        int exchanges = 0;
        for (int k = 0; k < n; k++) {
            int best = k;
            for (int i = k + 1; i < n; i++) if (Math.abs(u[i][k]) > Math.abs(u[best][k])) best = i;
            if (best != k) {
                swap(u, k, best);
                int p = perm[k];
                perm[k] = perm[best];
                perm[best] = p;
                for (int j = 0; j < k; j++) {
                    double t = l[k][j];
                    l[k][j] = l[best][j];
                    l[best][j] = t;
                }
                exchanges++;
            }
            if (u[k][k] == 0) continue; // nothing to eliminate with: singular, U keeps the zero pivot
            for (int i = k + 1; i < n; i++) {
                double multiplier = u[i][k] / u[k][k];
                l[i][k] = multiplier;
                for (int j = k; j < n; j++) u[i][j] -= multiplier * u[k][j];
                u[i][k] = 0;
            }
        }
        return new Lu(perm, l, u, exchanges);
    }

    /** The permutation matrix P. */
    public double[][] p() {
        double[][] p = new double[permutation.length][permutation.length];
        for (int i = 0; i < permutation.length; i++) p[i][permutation[i]] = 1;
        return p;
    }

    /** det A = det(P)⁻¹ · det L · det U = ±(product of the pivots). */
    public double determinant() {
        double det = exchanges % 2 == 0 ? 1 : -1;
        for (int i = 0; i < u.length; i++) det *= u[i][i];
        return det;
    }

    /** Solves Ax = b: Lc = Pb forward, then Ux = c backward. */
    public double[] solve(double[] b) {
        int n = u.length;
        if (b == null || b.length != n) {
            throw new IllegalArgumentException("b must have " + n + " entries, got " + (b == null ? 0 : b.length));
        }
        double scale = 0;
        for (double[] row : u) for (double v : row) scale = Math.max(scale, Math.abs(v));
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[permutation[i]];
            for (int j = 0; j < i; j++) sum -= l[i][j] * c[j];
            c[i] = sum;
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            if (Math.abs(u[i][i]) <= Elimination.ZERO * scale) {
                throw new SingularMatrixException(
                        i, "pivot " + (i + 1) + " of U is zero: A is singular, Ax = b has no unique solution");
            }
            double sum = c[i];
            for (int j = i + 1; j < n; j++) sum -= u[i][j] * x[j];
            x[i] = sum / u[i][i];
        }
        return x;
    }

    private static void swap(double[][] m, int i, int j) {
        double[] row = m[i];
        m[i] = m[j];
        m[j] = row;
    }
}

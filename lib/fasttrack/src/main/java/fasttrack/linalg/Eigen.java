package fasttrack.linalg;

/**
 * Eigenvalues and eigenvectors: the directions a matrix only stretches, Ax = λx.
 * Closed form for 2×2 (the characteristic polynomial λ² − trace·λ + det = 0), and power iteration
 * for the dominant pair of any square matrix.
 */
public final class Eigen {

    /** An eigenvalue and its unit eigenvector. */
    public record Pair(double value, double[] vector) {}

    private Eigen() {}

    /**
     * Both real eigenpairs of a 2×2 matrix, larger |λ| first.
     *
     * @throws ArithmeticException when the eigenvalues are complex (the matrix rotates every direction)
     *                             or A has only one eigenvector direction (a shear)
     */
    public static Pair[] twoByTwo(double[][] a) {
        if (Matrices.requireSquare("A", a) != 2)
            throw new IllegalArgumentException("twoByTwo needs a 2x2 matrix, A is " + a.length + "x" + a.length);
        double trace = a[0][0] + a[1][1];
        double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        double discriminant = trace * trace / 4 - det;
        if (discriminant < 0) {
            throw new ArithmeticException("the eigenvalues are complex (" + Matrices.format(trace / 2) + " ± "
                    + Matrices.format(Math.sqrt(-discriminant))
                    + "i): A turns every direction, no real vector keeps its line");
        }
        double root = Math.sqrt(discriminant);
        double l1 = trace / 2 + root, l2 = trace / 2 - root;
        if (Math.abs(l2) > Math.abs(l1)) {
            double t = l1;
            l1 = l2;
            l2 = t;
        }
        if (l1 == l2) {
            if (a[0][1] != 0 || a[1][0] != 0) {
                throw new ArithmeticException("A has the repeated eigenvalue " + Matrices.format(l1)
                        + " but only one eigenvector direction: it shears");
            }
            return new Pair[] {new Pair(l1, new double[] {1, 0}), new Pair(l2, new double[] {0, 1})}; // A = λI
        }
        double[] v1 = nullVector(a, l1), v2 = nullVector(a, l2);
        return new Pair[] {new Pair(l1, v1), new Pair(l2, v2)};
    }

    /** A unit vector x with (A − λI)x = 0, from whichever row of A − λI is larger. */
    private static double[] nullVector(double[][] a, double lambda) {
        double p = a[0][0] - lambda, q = a[0][1], r = a[1][0], s = a[1][1] - lambda;
        double[] x = Math.hypot(p, q) >= Math.hypot(r, s) ? new double[] {-q, p} : new double[] {-s, r};
        double norm = Math.hypot(x[0], x[1]);
        if (norm == 0) return new double[] {1, 0}; // A − λI = 0
        return new double[] {x[0] / norm, x[1] / norm};
    }

    /**
     * The dominant eigenpair by power iteration: multiply a start vector by A again and again and
     * renormalise; it turns toward the eigenvector of the largest |λ| at the rate |λ₂/λ₁| per step.
     */
    public static Pair powerIteration(double[][] a, int steps, long seed) {
        int n = Matrices.requireSquare("A", a);
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        java.util.Random random = new java.util.Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = random.nextGaussian();
        normalise(x);
        for (int k = 0; k < steps; k++) {
            x = Matrices.multiply(a, x);
            if (normalise(x) == 0)
                throw new ArithmeticException("A sent the vector to zero: its dominant eigenvalue is 0");
        }
        double[] ax = Matrices.multiply(a, x);
        double rayleigh = 0;
        for (int i = 0; i < n; i++) rayleigh += x[i] * ax[i];
        return new Pair(rayleigh, x);
    }

    private static double normalise(double[] x) {
        double norm = 0;
        for (double v : x) norm += v * v;
        norm = Math.sqrt(norm);
        if (norm > 0) for (int i = 0; i < x.length; i++) x[i] /= norm;
        return norm;
    }
}

package fasttrack.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class LinalgTest {

    private static final double[][] A = {{2, 1, 1}, {4, -6, 0}, {-2, 7, 2}}; // Strang's example
    private static final double[] B = {5, -2, 9};

    @Test
    void eliminationSolvesStrangsExampleStepByStep() {
        Elimination.Solution s = Elimination.solve(A, B);
        assertArrayEquals(new double[] {1, 1, 2}, s.x(), 1e-12);
        assertEquals("start: [A | b]", s.steps().get(0).action());
        assertTrue(
                s.steps().get(1).action().startsWith("row 2 -= 2 x row 1"),
                s.steps().get(1).action());
        double[][] last = s.steps().get(s.steps().size() - 1).augmented();
        assertEquals(0, last[1][0]);
        assertEquals(0, last[2][0]);
        assertEquals(0, last[2][1]);
        assertArrayEquals(
                new double[] {2, -8, 1}, new double[] {last[0][0], last[1][1], last[2][2]}, 1e-12, "the pivots");
        assertTrue(s.mimeBundle().get("text/html").contains("back substitution"));
    }

    @Test
    void aZeroPivotStopsEliminationWithoutExchangesButNotWithThem() {
        double[][] a = {{0, 2}, {3, 4}};
        ZeroPivotException e = assertThrows(
                ZeroPivotException.class, () -> Elimination.solveWithoutRowExchanges(a, new double[] {2, 7}));
        assertEquals(0, e.row());
        assertTrue(e.getMessage().contains("pivot 1 is zero"), e.getMessage());
        Elimination.Solution s = Elimination.solve(a, new double[] {2, 7});
        assertArrayEquals(new double[] {1, 1}, s.x(), 1e-12);
        assertTrue(s.steps().get(1).action().startsWith("exchange rows 1 and 2"));
    }

    @Test
    void singularSystemsAreReportedNotDividedByZero() {
        double[][] singular = {{1, 2}, {2, 4}};
        SingularMatrixException e =
                assertThrows(SingularMatrixException.class, () -> Elimination.solve(singular, new double[] {1, 2}));
        assertEquals(1, e.column());
        assertThrows(SingularMatrixException.class, () -> GaussJordan.inverse(singular));
        assertThrows(SingularMatrixException.class, () -> Lu.of(singular).solve(new double[] {1, 2}));
        assertEquals(0, Lu.of(singular).determinant(), 1e-12);
    }

    @Test
    void badShapesGetClearErrors() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Elimination.solve(new double[][] {{1, 2, 3}, {4, 5, 6}}, new double[] {1, 2}))
                .getMessage()
                .contains("must be square"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Elimination.solve(A, new double[] {1}))
                .getMessage()
                .contains("one entry per row"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Lu.of(new double[][] {{1, 2}, {3}}))
                .getMessage()
                .contains("ragged"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> Matrices.multiply(new double[2][3], new double[2][3]))
                .getMessage()
                .contains("inner sizes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Qr.of(new double[][] {{1, 2}, {2, 4}}))
                .getMessage()
                .contains("dependent"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Matrices.requireRectangular("A", new double[][] {{Double.NaN}}))
                .getMessage()
                .contains("finite"));
    }

    @Test
    void luReproducesPaAndAgreesWithCommonsMath() {
        Random random = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            double[][] a = randomMatrix(random, 6, 6);
            Lu lu = Lu.of(a);
            assertTrue(
                    Matrices.maxAbsDifference(Matrices.multiply(lu.p(), a), Matrices.multiply(lu.l(), lu.u())) < 1e-12);
            for (int i = 0; i < 6; i++) {
                assertEquals(1, lu.l()[i][i]);
                for (int j = i + 1; j < 6; j++) assertEquals(0, lu.l()[i][j], "L is lower triangular");
                for (int j = 0; j < i; j++) assertEquals(0, lu.u()[i][j], "U is upper triangular");
            }
            LUDecomposition reference = new LUDecomposition(MatrixUtils.createRealMatrix(a));
            assertEquals(reference.getDeterminant(), lu.determinant(), 1e-9 * Math.abs(reference.getDeterminant()));
            double[] b = random.doubles(6, -1, 1).toArray();
            assertArrayEquals(
                    reference.getSolver().solve(MatrixUtils.createRealVector(b)).toArray(), lu.solve(b), 1e-9);
        }
    }

    @Test
    void gaussJordanInverseTimesAIsTheIdentity() {
        double[][] inverse = GaussJordan.inverse(A);
        assertTrue(Matrices.maxAbsDifference(Matrices.multiply(A, inverse), Matrices.identity(3)) < 1e-12);
        double[][] reference =
                MatrixUtils.inverse(MatrixUtils.createRealMatrix(A)).getData();
        assertTrue(Matrices.maxAbsDifference(inverse, reference) < 1e-12);
    }

    @Test
    void qrHasOrthonormalQAndTriangularR() {
        double[][] a = randomMatrix(new Random(2), 7, 4);
        Qr qr = Qr.of(a);
        assertTrue(Matrices.maxAbsDifference(Matrices.multiply(qr.q(), qr.r()), a) < 1e-12);
        assertTrue(
                Matrices.maxAbsDifference(Matrices.multiply(Matrices.transpose(qr.q()), qr.q()), Matrices.identity(4))
                        < 1e-12);
        for (int i = 0; i < 4; i++) for (int j = 0; j < i; j++) assertEquals(0, qr.r()[i][j]);
    }

    @Test
    void svdReconstructsAndMatchesCommonsMathSingularValues() {
        for (int[] size : new int[][] {{5, 3}, {3, 5}, {4, 4}}) {
            double[][] a = randomMatrix(new Random(size[0] * 10 + size[1]), size[0], size[1]);
            Svd svd = Svd.of(a);
            assertTrue(
                    Matrices.maxAbsDifference(svd.reconstruct(), a) < 1e-12,
                    "U S V^T = A for " + size[0] + "x" + size[1]);
            double[] reference = new SingularValueDecomposition(MatrixUtils.createRealMatrix(a)).getSingularValues();
            assertArrayEquals(reference, svd.s(), 1e-10);
            int k = svd.s().length;
            assertTrue(Matrices.maxAbsDifference(
                            Matrices.multiply(Matrices.transpose(svd.v()), svd.v()), Matrices.identity(k))
                    < 1e-12);
            assertTrue(Matrices.maxAbsDifference(
                            Matrices.multiply(Matrices.transpose(svd.u()), svd.u()), Matrices.identity(k))
                    < 1e-12);
        }
    }

    @Test
    void svdSeesTheRankOfADependentMatrix() {
        double[][] rankOne = {{1, 2, 3}, {2, 4, 6}, {3, 6, 9}};
        Svd svd = Svd.of(rankOne);
        assertEquals(1, svd.rank(1e-10));
        assertTrue(Matrices.maxAbsDifference(svd.reconstruct(), rankOne) < 1e-12);
    }

    @Test
    void eigenpairsSatisfyAxEqualsLambdaX() {
        double[][] a = {{2, 1}, {1, 2}};
        Eigen.Pair[] pairs = Eigen.twoByTwo(a);
        assertEquals(3, pairs[0].value(), 1e-12);
        assertEquals(1, pairs[1].value(), 1e-12);
        for (Eigen.Pair p : pairs) {
            double[] ax = Matrices.multiply(a, p.vector());
            assertArrayEquals(new double[] {p.value() * p.vector()[0], p.value() * p.vector()[1]}, ax, 1e-12);
        }
        double[][] nonSymmetric = {{4, 1}, {2, 3}};
        double[] reference = new EigenDecomposition(MatrixUtils.createRealMatrix(nonSymmetric)).getRealEigenvalues();
        java.util.Arrays.sort(reference);
        Eigen.Pair[] mine = Eigen.twoByTwo(nonSymmetric);
        assertArrayEquals(reference, new double[] {mine[1].value(), mine[0].value()}, 1e-12);
        Eigen.Pair dominant = Eigen.powerIteration(nonSymmetric, 100, 3);
        assertEquals(5, dominant.value(), 1e-9);
    }

    @Test
    void rotationsAndShearsHaveNoFullSetOfRealEigenvectors() {
        assertTrue(assertThrows(ArithmeticException.class, () -> Eigen.twoByTwo(new double[][] {{0, -1}, {1, 0}}))
                .getMessage()
                .contains("complex"));
        assertTrue(assertThrows(ArithmeticException.class, () -> Eigen.twoByTwo(new double[][] {{1, 1}, {0, 1}}))
                .getMessage()
                .contains("shears"));
        assertEquals(2, Eigen.twoByTwo(new double[][] {{2, 0}, {0, 2}})[1].value());
    }

    @Test
    void picturesRenderForSolvableAndSingularSystems() {
        double[][] a = {{2, -1}, {-1, 2}};
        assertTrue(LinalgPictures.rows(a, new double[] {0, 3}).png().length > 1000);
        assertTrue(LinalgPictures.columns(a, new double[] {0, 3}).png().length > 1000);
        assertTrue(LinalgPictures.rows(new double[][] {{1, 2}, {2, 4}}, new double[] {1, 3})
                        .png()
                        .length
                > 1000);
        assertTrue(LinalgPictures.transform(new double[][] {{0, -1}, {1, 0}})
                .chart()
                .getTitle()
                .contains("no real eigenvectors"));
    }

    private static double[][] randomMatrix(Random random, int rows, int columns) {
        double[][] a = new double[rows][columns];
        for (double[] row : a) for (int j = 0; j < columns; j++) row[j] = random.nextGaussian();
        return a;
    }
}

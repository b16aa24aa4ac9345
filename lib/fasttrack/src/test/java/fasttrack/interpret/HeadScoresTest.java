package fasttrack.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Head scores on hand-built attention patterns and matrices, every expected value worked out by hand. */
class HeadScoresTest {

    /** A string of 3 distinct tokens, repeated once: positions 3, 4, 5 have earlier occurrences at 0, 1, 2. */
    private static final int[] ONCE = {5, 6, 7, 5, 6, 7};
    /** Period 2, three times: token 1 at 0, 2, 4 and token 2 at 1, 3, 5; positions 2..5 are scored. */
    private static final int[] THRICE = {1, 2, 1, 2, 1, 2};

    private NDManager nd;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** A (T, T) pattern whose row i puts all its weight on key keys[i]. */
    private static double[][] oneHot(int... keys) {
        double[][] p = new double[keys.length][keys.length];
        for (int i = 0; i < keys.length; i++) p[i][keys[i]] = 1;
        return p;
    }

    /** Causal attention spread evenly: row i is 1/(i+1) on keys 0..i. */
    private static double[][] uniform(int t) {
        double[][] p = new double[t][t];
        for (int i = 0; i < t; i++) for (int j = 0; j <= i; j++) p[i][j] = 1.0 / (i + 1);
        return p;
    }

    // Induction patterns, by hand: a query with an earlier occurrence at j looks at j + 1, the others at key 0.
    private static final double[][] INDUCTION_ONCE = oneHot(0, 0, 0, 1, 2, 3);
    private static final double[][] INDUCTION_THRICE = oneHot(0, 0, 1, 2, 3, 4);

    // ---- prefix matching ----

    @Test
    void aPerfectInductionPatternScoresOne() {
        assertEquals(1.0, HeadScores.prefixMatching(INDUCTION_ONCE, ONCE), 0);
        assertEquals(1.0, HeadScores.prefixMatching(INDUCTION_THRICE, THRICE), 0);
    }

    @Test
    void uniformAttentionScoresTheUniformBaseline() {
        // ONCE: positions 3, 4, 5 put 1/4, 1/5, 1/6 on any key: (15 + 12 + 10) / 60 / 3 = 37/180.
        assertEquals(37.0 / 180, HeadScores.uniformBaseline(ONCE), 1e-12);
        assertEquals(37.0 / 180, HeadScores.prefixMatching(uniform(6), ONCE), 1e-12);
        // THRICE: positions 2..5: (1/3 + 1/4 + 1/5 + 1/6) / 4 = 57/240.
        assertEquals(57.0 / 240, HeadScores.uniformBaseline(THRICE), 1e-12);
        assertEquals(57.0 / 240, HeadScores.prefixMatching(uniform(6), THRICE), 1e-12);
        assertEquals(HeadScores.uniformBaseline(ONCE), HeadScores.prefixMatching(uniform(6), ONCE), 1e-12);
    }

    @Test
    void attendingToTheRepeatedTokenItselfRatherThanTheNextScoresZero() {
        assertEquals(0.0, HeadScores.prefixMatching(oneHot(0, 0, 0, 0, 1, 2), ONCE), 0);
        assertEquals(
                0.0,
                HeadScores.prefixMatching(oneHot(0, 0, 0, 1, 2, 3), THRICE),
                0,
                "latest occurrences 0, 1, 2, 3 themselves");
    }

    @Test
    void theLatestPreviousOccurrenceIsTheOneThatCounts() {
        // Looking after the FIRST occurrence instead: rows 2, 3 agree (1, 2), rows 4, 5 look at 1, 2 instead of 3, 4.
        assertEquals(0.5, HeadScores.prefixMatching(oneHot(0, 0, 1, 2, 1, 2), THRICE), 1e-12);
        // Half the weight after the latest, half after the first occurrence, on rows 4 and 5.
        double[][] split = oneHot(0, 0, 1, 2, 3, 4);
        split[4][3] = split[4][1] = 0.5;
        split[5][4] = split[5][2] = 0.5;
        assertEquals((1 + 1 + 0.5 + 0.5) / 4, HeadScores.prefixMatching(split, THRICE), 1e-12);
    }

    @Test
    void prefixMatchingRefusesASequenceWithoutRepeats() {
        int[] distinct = {0, 1, 2, 3};
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.prefixMatching(uniform(4), distinct));
        assertTrue(e.getMessage().contains("no token occurs twice"), e.getMessage());
        IllegalArgumentException b =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.uniformBaseline(distinct));
        assertTrue(b.getMessage().contains("no token occurs twice"), b.getMessage());
    }

    @Test
    void prefixMatchingRefusesPatternsThatAreNotTByT() {
        IllegalArgumentException rows =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.prefixMatching(uniform(5), ONCE));
        assertTrue(rows.getMessage().contains("5 rows for 6 tokens"), rows.getMessage());
        double[][] narrow = new double[6][5];
        IllegalArgumentException cols =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.prefixMatching(narrow, ONCE));
        assertTrue(cols.getMessage().contains("T x T") && cols.getMessage().contains("row of 5"), cols.getMessage());
    }

    // ---- previous token ----

    @Test
    void aPerfectPreviousTokenPatternScoresOneAndUniformScoresTheMeanOfOneOverIPlusOne() {
        assertEquals(1.0, HeadScores.previousToken(oneHot(0, 0, 1, 2, 3, 4)), 0);
        // (1/2 + 1/3 + 1/4 + 1/5 + 1/6) / 5 = (30 + 20 + 15 + 12 + 10) / 60 / 5 = 87/300.
        assertEquals(87.0 / 300, HeadScores.previousToken(uniform(6)), 1e-12);
        assertEquals(
                0.0,
                HeadScores.previousToken(oneHot(0, 1, 2, 3, 4, 5)),
                0,
                "attending to itself is not to the previous token");
        // Only positions 1..4 of 0..4 look back one: 3 of 4 rows (row 2 looks two back).
        assertEquals(0.75, HeadScores.previousToken(oneHot(0, 0, 0, 2, 3)), 1e-12);
    }

    @Test
    void previousTokenRefusesTooShortOrNonSquarePatterns() {
        assertThrows(IllegalArgumentException.class, () -> HeadScores.previousToken(new double[][] {{1}}));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.previousToken(new double[3][4]));
        assertTrue(e.getMessage().contains("T x T"), e.getMessage());
    }

    // ---- batched versions ----

    /** (2, 2, 6, 6): example 0 is ONCE, example 1 THRICE; head 0 the perfect induction pattern, head 1 uniform. */
    private NDArray batch() {
        double[][][][] p = {{INDUCTION_ONCE, uniform(6)}, {INDUCTION_THRICE, uniform(6)}};
        float[] flat = new float[2 * 2 * 6 * 6];
        int k = 0;
        for (double[][][] example : p)
            for (double[][] head : example) for (double[] row : head) for (double w : row) flat[k++] = (float) w;
        return nd.create(flat, new Shape(2, 2, 6, 6));
    }

    @Test
    void batchedPrefixMatchingAveragesEachHeadOverTheBatch() {
        // Rows may carry more tokens than T (a last target); only the first T count.
        int[][] tokens = {{5, 6, 7, 5, 6, 7, 9}, {1, 2, 1, 2, 1, 2, 1}};
        double[] scores = HeadScores.prefixMatching(batch(), tokens);
        assertEquals(2, scores.length);
        assertEquals(1.0, scores[0], 1e-6);
        assertEquals((37.0 / 180 + 57.0 / 240) / 2, scores[1], 1e-6);
        assertEquals(
                (HeadScores.prefixMatching(uniform(6), ONCE) + HeadScores.prefixMatching(uniform(6), THRICE)) / 2,
                scores[1],
                1e-6);
    }

    @Test
    void batchedPreviousTokenAveragesEachHeadOverTheBatch() {
        double[] scores = HeadScores.previousToken(batch());
        assertEquals(2, scores.length);
        // Head 0, ONCE: only row 1 (looking at key 0) looks one back: 1/5. THRICE (period 2): every row 1..5 does: 1.
        assertEquals((0.2 + 1.0) / 2, scores[0], 1e-6);
        assertEquals(
                (HeadScores.previousToken(INDUCTION_ONCE) + HeadScores.previousToken(INDUCTION_THRICE)) / 2,
                scores[0],
                1e-6);
        assertEquals(87.0 / 300, scores[1], 1e-6);
    }

    @Test
    void batchedScoresRefuseWrongRanksAndMismatchedBatches() {
        NDArray threeD = nd.zeros(new Shape(2, 6, 6));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.previousToken(threeD));
        assertTrue(e.getMessage().contains("(batch, heads, T, T)"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> HeadScores.prefixMatching(threeD, new int[][] {ONCE, THRICE}));
        assertThrows(IllegalArgumentException.class, () -> HeadScores.previousToken(nd.zeros(new Shape(1, 1, 3, 4))));
        IllegalArgumentException rows = assertThrows(
                IllegalArgumentException.class, () -> HeadScores.prefixMatching(batch(), new int[][] {ONCE}));
        assertTrue(rows.getMessage().contains("1 token rows for a batch of 2"), rows.getMessage());
    }

    // ---- copying ----

    private NDArray matrix(int n, float... values) {
        return nd.create(values, new Shape(n, n));
    }

    @Test
    void theIdentityCopiesEveryTokenAndACyclicPermutationNone() {
        assertEquals(1.0, HeadScores.copying(nd.eye(5)), 0);
        float[] cyclic = new float[25];
        for (int t = 0; t < 5; t++) cyclic[t * 5 + (t + 1) % 5] = 1; // token t writes token t + 1: no fixed points
        assertEquals(0.0, HeadScores.copying(matrix(5, cyclic)), 0);
    }

    @Test
    void copyingIsTheShareOfRowsWhoseLargestEntryIsOnTheDiagonal() {
        NDArray half = matrix(
                4, 3, 1, 2, -1, // max at 0: copies
                0, 2, 1, 1, // max at 1: copies
                5, 0, 4, 0, // max at 0, not 2
                1, 9, 0, 8); // max at 1, not 3
        assertEquals(0.5, HeadScores.copying(half), 0);
        // Rows, not columns: row 0 writes tokens 1 and 2 more than itself, so it alone fails (3/4);
        // read by columns, columns 1 and 2 would both fail (2/4).
        NDArray rows = matrix(4, 1, 5, 5, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        assertEquals(0.75, HeadScores.copying(rows), 0);
    }

    @Test
    void copyingRefusesANonSquareCircuit() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HeadScores.copying(nd.zeros(new Shape(3, 4))));
        assertTrue(e.getMessage().contains("(V, V)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeadScores.copying(nd.zeros(new Shape(4))));
    }

    // ---- composition ----

    @Test
    void compositionIsZeroWhenTheProductVanishesAndOneOverRootNForIdentities() {
        NDArray first = matrix(2, 1, 0, 0, 0), second = matrix(2, 0, 0, 0, 1);
        assertEquals(0.0, HeadScores.composition(first, second), 1e-7);
        // ‖I·I‖ / (‖I‖·‖I‖) = √n / n = 1/√n; for n = 4, 1/2.
        assertEquals(0.5, HeadScores.composition(nd.eye(4), nd.eye(4)), 1e-6);
        assertEquals(1 / Math.sqrt(9), HeadScores.composition(nd.eye(9), nd.eye(9)), 1e-6);
        // first = [[1, 2], [3, 4]], second = I: ‖first‖ / (‖first‖ · √2) = 1/√2.
        assertEquals(1 / Math.sqrt(2), HeadScores.composition(matrix(2, 1, 2, 3, 4), nd.eye(2)), 1e-6);
        // A rank-one pair that lines up: u uᵀ with u = (1, 1)/√2 composed with itself: ‖uuᵀ‖ = 1, so 1.
        assertEquals(
                1.0,
                HeadScores.composition(matrix(2, 0.5f, 0.5f, 0.5f, 0.5f), matrix(2, 0.5f, 0.5f, 0.5f, 0.5f)),
                1e-6);
    }

    @Test
    void compositionRefusesMatricesThatDoNotMultiply() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HeadScores.composition(nd.zeros(new Shape(2, 3)), nd.zeros(new Shape(2, 3))));
        assertTrue(e.getMessage().contains("multiply"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> HeadScores.composition(nd.zeros(new Shape(3)), nd.zeros(new Shape(3, 3))));
    }
}

package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import fasttrack.runtime.Setup;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RopeTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(6);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void scoresDependOnlyOnTheOffsetBetweenQueryAndKey() {
        Random random = new Random(7);
        for (Rope.Layout layout : Rope.Layout.values()) {
            Rope rope = new Rope(32, 10_000, layout);
            float[] q = LlamaFixtures.randomVector(random, 32), k = LlamaFixtures.randomVector(random, 32);
            for (int offset = 0; offset < 40; offset += 3) {
                double reference = LlamaFixtures.dot(rope.rotate(q, offset), rope.rotate(k, 0));
                for (int start = 0; start < 200; start += 17) {
                    double score = LlamaFixtures.dot(rope.rotate(q, start + offset), rope.rotate(k, start));
                    assertEquals(
                            reference,
                            score,
                            1e-4 * Math.max(1, Math.abs(reference)),
                            layout + " offset " + offset + " start " + start);
                }
            }
        }
    }

    @Test
    void theArrayVersionEqualsThePlainOneForBothLayoutsAndAnyOffset() {
        Random random = new Random(8);
        for (Rope.Layout layout : Rope.Layout.values()) {
            Rope rope = new Rope(8, 500_000, layout);
            float[] x = LlamaFixtures.randomVector(random, 2 * 5 * 8);
            NDArray rotated = rope.apply(nd.create(x, new Shape(2, 5, 8)), 11);
            for (int h = 0; h < 2; h++)
                for (int t = 0; t < 5; t++) {
                    float[] v = new float[8];
                    System.arraycopy(x, (h * 5 + t) * 8, v, 0, 8);
                    assertArrayEquals(
                            rope.rotate(v, 11 + t),
                            rotated.get(new NDIndex("{}, {}", h, t)).toFloatArray(),
                            1e-5f,
                            layout + " head " + h + " position " + t);
                }
        }
    }

    @Test
    void pairsAreHalvesOrNeighboursAndPositionZeroIsTheIdentity() {
        assertArrayEquals(new int[] {1, 5}, new Rope(8, 10_000, Rope.Layout.HALF).pairDimensions(1));
        assertArrayEquals(new int[] {2, 3}, new Rope(8, 10_000, Rope.Layout.INTERLEAVED).pairDimensions(1));
        float[] v = LlamaFixtures.randomVector(new Random(1), 8);
        assertArrayEquals(v, new Rope(8, 10_000, Rope.Layout.HALF).rotate(v, 0), 0f);
        assertEquals(1.0, new Rope(8, 10_000, Rope.Layout.HALF).frequency(0), 0);
        assertEquals(Math.pow(10_000, -0.75), new Rope(8, 10_000, Rope.Layout.HALF).frequency(3), 1e-15);
    }

    @Test
    void reorderingRowsTurnsAnInterleavedProjectionIntoAHalfOneWithTheSameScores() {
        int d = 16, c = 12;
        Random random = new Random(9);
        float[] wq = LlamaFixtures.randomVector(random, d * c), wk = LlamaFixtures.randomVector(random, d * c);
        float[] x = LlamaFixtures.randomVector(random, c), y = LlamaFixtures.randomVector(random, c);
        Rope inter = new Rope(d, 10_000, Rope.Layout.INTERLEAVED), half = new Rope(d, 10_000, Rope.Layout.HALF);
        int[] perm = Rope.interleavedToHalf(d);
        float[] wqHalf = Rope.permuteRows(wq, d, c, perm), wkHalf = Rope.permuteRows(wk, d, c, perm);
        for (int p = 0; p < 30; p += 7)
            for (int s = 0; s <= p; s += 5) {
                double a =
                        LlamaFixtures.dot(inter.rotate(matVec(wq, x, d, c), p), inter.rotate(matVec(wk, y, d, c), s));
                double b = LlamaFixtures.dot(
                        half.rotate(matVec(wqHalf, x, d, c), p), half.rotate(matVec(wkHalf, y, d, c), s));
                assertEquals(a, b, 1e-4 * Math.max(1, Math.abs(a)));
                double wrong =
                        LlamaFixtures.dot(half.rotate(matVec(wq, x, d, c), p), half.rotate(matVec(wk, y, d, c), s));
                if (p != s)
                    assertTrue(
                            Math.abs(wrong - a) > 1e-3,
                            "without the reordering the scores differ (p " + p + ", s " + s + ")");
            }
        assertArrayEquals(wq, Rope.permuteRows(wqHalf, d, c, Rope.inverse(perm)), 0f, "the inverse undoes it");
    }

    @Test
    void refusesAnOddHeadSizeASmallBaseAndNoLayout() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Rope(7, 10_000, Rope.Layout.HALF))
                .getMessage()
                .contains("even"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Rope(8, 1, Rope.Layout.HALF))
                .getMessage()
                .contains("above 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Rope(8, 10_000, null))
                .getMessage()
                .contains("layout"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new Rope(8, 10_000, Rope.Layout.HALF).apply(nd.zeros(new Shape(2, 6)), 0))
                .getMessage()
                .contains("(..., T, 8)"));
    }

    private static float[] matVec(float[] w, float[] x, int rows, int cols) {
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[r] += w[r * cols + c] * x[c];
        return out;
    }
}

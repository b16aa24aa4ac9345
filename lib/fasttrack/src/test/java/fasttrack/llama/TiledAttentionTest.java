package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Attention;
import fasttrack.runtime.Setup;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TiledAttentionTest {

    @Test
    void tiledEqualsPlainAttentionForAnyBlockSizeWithAndWithoutTheMask() {
        Random random = new Random(4);
        for (int t : new int[] {1, 7, 33, 64})
            for (int block : new int[] {1, 4, 16, 100})
                for (boolean causal : new boolean[] {true, false}) {
                    float[][] q = matrix(random, t, 16), k = matrix(random, t, 16), v = matrix(random, t, 16);
                    float[][] a = TiledAttention.plain(q, k, v, causal).output(),
                            b = TiledAttention.tiled(q, k, v, causal, block).output();
                    for (int i = 0; i < t; i++)
                        for (int c = 0; c < 16; c++)
                            assertEquals(a[i][c], b[i][c], 1e-5, "T " + t + " block " + block + " causal " + causal);
                }
    }

    @Test
    void plainJavaEqualsTheCoursesAttention() {
        Random random = new Random(5);
        float[][] q = matrix(random, 9, 8), k = matrix(random, 9, 8), v = matrix(random, 9, 8);
        try (NDManager nd = Setup.manager().newSubManager()) {
            float[] ours = Attention.scaledDotProduct(nd.create(q), nd.create(k), nd.create(v), true)
                    .get(0)
                    .toFloatArray();
            float[][] tiled = TiledAttention.tiled(q, k, v, true, 4).output();
            for (int i = 0; i < 9; i++) for (int c = 0; c < 8; c++) assertEquals(ours[i * 8 + c], tiled[i][c], 1e-5);
        }
    }

    @Test
    void causalQueriesAfterCachedKeysSeeThePast() {
        Random random = new Random(6);
        float[][] q = matrix(random, 3, 8), k = matrix(random, 10, 8), v = matrix(random, 10, 8);
        float[][] a = TiledAttention.plain(q, k, v, true).output(),
                b = TiledAttention.tiled(q, k, v, true, 4).output();
        for (int i = 0; i < 3; i++) for (int c = 0; c < 8; c++) assertEquals(a[i][c], b[i][c], 1e-5);
    }

    @Test
    void theLargestIntermediateIsATileNotTheScoreMatrix() {
        Random random = new Random(7);
        float[][] q = matrix(random, 256, 16);
        assertEquals(256L * 256, TiledAttention.plain(q, q, q, true).largestIntermediateFloats());
        assertEquals(
                32L * 32 + 32 * 16 + 64, TiledAttention.tiled(q, q, q, true, 32).largestIntermediateFloats());
    }

    @Test
    void trafficCountsFollowTheFormulas() {
        TiledAttention.Traffic t = TiledAttention.traffic(1024, 64, 128, 2);
        assertEquals((4L * 1024 * 64 + 4L * 1024 * 1024) * 2, t.plainBytes());
        assertEquals((2L * 1024 * 64 + 2L * 1024 * 64 * 8) * 2, t.tiledBytes());
        assertEquals(4.0 * 1024 * 1024 * 64, t.flops());
        assertTrue(t.tiledIntensity() > t.plainIntensity());
        assertThrows(IllegalArgumentException.class, () -> TiledAttention.tiled(q1(), q1(), q1(), true, 0));
    }

    private static float[][] q1() {
        return new float[][] {{1f, 2f}};
    }

    private static float[][] matrix(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) for (int c = 0; c < cols; c++) row[c] = (float) random.nextGaussian();
        return m;
    }
}

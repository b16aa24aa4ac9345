package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttentionTest {

    private NDManager nd;

    @BeforeEach
    void scope() {
        Setup.seed(3);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void close() {
        nd.close();
    }

    @Test
    void matchesANaiveLoopImplementation() {
        int t = 5, d = 4;
        NDArray q = nd.randomNormal(new Shape(t, d), DataType.FLOAT64),
                k = nd.randomNormal(new Shape(t, d), DataType.FLOAT64),
                v = nd.randomNormal(new Shape(t, 3), DataType.FLOAT64);
        for (boolean causal : new boolean[] {false, true}) {
            NDList out = Attention.scaledDotProduct(q, k, v, causal);
            double[][] expected = naive(q.toDoubleArray(), k.toDoubleArray(), v.toDoubleArray(), t, d, 3, causal);
            double[] actual = out.get(0).toDoubleArray();
            for (int i = 0; i < t; i++)
                for (int j = 0; j < 3; j++) assertEquals(expected[i][j], actual[i * 3 + j], 1e-12);
        }
    }

    @Test
    void weightsAreDistributionsAndTheFutureGetsExactlyZero() {
        NDArray x = nd.randomNormal(new Shape(2, 3, 6, 8));
        NDArray weights = Attention.scaledDotProduct(x, x, x, true).get(1);
        assertEquals(new Shape(2, 3, 6, 6), weights.getShape());
        assertTrue(weights.sum(new int[] {-1}).sub(1).abs().max().getFloat() < 1e-6, "each row sums to 1");
        float[] w = weights.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            int row = (i / 6) % 6, col = i % 6;
            if (col > row) assertEquals(0f, w[i], "query " + row + " must give key " + col + " exactly 0");
            else assertTrue(w[i] > 0);
        }
    }

    @Test
    void badShapesAreExplained() {
        NDArray a = nd.zeros(new Shape(4, 8)), b = nd.zeros(new Shape(4, 6));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(a, b, b, false))
                .getMessage()
                .contains("same size d"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Attention.scaledDotProduct(a, a, nd.zeros(new Shape(3, 8)), false))
                .getMessage()
                .contains("every key needs a value"));
        NDArray fewerKeys = nd.zeros(new Shape(3, 8));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> Attention.scaledDotProduct(a, fewerKeys, fewerKeys, true))
                .getMessage()
                .contains("at least as many keys as queries"));
    }

    @Test
    void batchedHeadsEqualTheLoopOverHeadsAndCountTheirParameters() {
        MultiHeadAttention mha = new MultiHeadAttention(16, 4, true, 0f);
        mha.initialize(nd, DataType.FLOAT32, new Shape(2, 7, 16));
        ParameterStore ps = new ParameterStore(nd, false);
        NDArray x = nd.randomNormal(new Shape(2, 7, 16));
        NDArray batched = mha.forward(ps, new NDList(x), false).singletonOrThrow();
        assertEquals(new Shape(2, 7, 16), batched.getShape());
        assertTrue(batched.sub(mha.forwardHeadByHead(ps, x)).abs().max().getFloat() < 1e-5);
        long counted = mha.getParameters().stream()
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
        assertEquals(4 * 16 * 16 + 4 * 16, counted);
        assertEquals(counted, MultiHeadAttention.parameterCount(16));
        assertEquals(
                new Shape(2, 4, 7, 7), mha.forward(ps, x, false, null).get(1).getShape());
    }

    /** Changing a later token must not change any earlier output: the mask really hides the future. */
    @Test
    void causalAttentionCannotSeeTheFuture() {
        MultiHeadAttention attention = new MultiHeadAttention(8, 2, true, 0f);
        attention.initialize(nd, DataType.FLOAT32, new Shape(1, 6, 8));
        ParameterStore ps = new ParameterStore(nd, false);
        NDArray x = nd.randomNormal(new Shape(1, 6, 8));
        NDArray changed = x.duplicate();
        changed.set(new ai.djl.ndarray.index.NDIndex("0, 4:"), 5f);
        NDArray a = attention.forward(ps, new NDList(x), false).singletonOrThrow();
        NDArray b = attention.forward(ps, new NDList(changed), false).singletonOrThrow();
        assertTrue(a.get("0, :4").sub(b.get("0, :4")).abs().max().getFloat() < 1e-6, "positions 0-3 unchanged");
        assertTrue(a.get("0, 4:").sub(b.get("0, 4:")).abs().max().getFloat() > 1e-3, "positions 4-5 did change");
    }

    @Test
    void headsMustDivideTheWidth() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, false, 0f));
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
        MultiHeadAttention ok = new MultiHeadAttention(8, 2, false, 0f);
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> ok.initialize(nd, DataType.FLOAT32, new Shape(2, 4, 6)))
                .getMessage()
                .contains("(batch, time, 8)"));
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(8, 2, false, 1f));
    }

    static double[][] naive(double[] q, double[] k, double[] v, int t, int d, int dv, boolean causal) {
        double[][] out = new double[t][dv];
        for (int i = 0; i < t; i++) {
            double[] scores = new double[t];
            double max = Double.NEGATIVE_INFINITY;
            int last = causal ? i : t - 1;
            for (int j = 0; j <= last; j++) {
                for (int c = 0; c < d; c++) scores[j] += q[i * d + c] * k[j * d + c];
                scores[j] /= Math.sqrt(d);
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j <= last; j++) sum += scores[j] = Math.exp(scores[j] - max);
            for (int j = 0; j <= last; j++) for (int c = 0; c < dv; c++) out[i][c] += scores[j] / sum * v[j * dv + c];
        }
        return out;
    }
}

package fasttrack.llama;

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
import fasttrack.tensors.Tensors;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MixtureOfExpertsTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(2);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void theRouterKeepsTheTopTwoProbabilitiesRenormalised() {
        float[] logits = {0.5f, 2f, -1f, 1.5f, 0f, 1.9f, 3f, -2f};
        NDList routing = MixtureOfExperts.route(nd.create(logits, new Shape(2, 4)), 2);
        float[] w = routing.get(0).toFloatArray(),
                p = routing.get(1).toFloatArray(),
                mask = routing.get(2).toFloatArray();
        // Row 0: experts 1 and 3; row 1: experts 2 and 1.
        assertEquals(p[1] / (p[1] + p[3]), w[1], 1e-6);
        assertEquals(p[3] / (p[1] + p[3]), w[3], 1e-6);
        assertEquals(0, w[0], 0);
        assertEquals(0, w[2], 0);
        assertEquals(p[6] / (p[5] + p[6]), w[6], 1e-6);
        assertEquals(1.0, w[4] + w[5] + w[6] + w[7], 1e-6);
        assertEquals(
                4,
                (int) (mask[0] + mask[1] + mask[2] + mask[3] + mask[4] + mask[5] + mask[6] + mask[7]),
                "two choices per token");
        // Renormalised top-2 probabilities are a softmax over the two chosen logits.
        assertEquals(1 / (1 + Math.exp(1.5 - 2)), w[1], 1e-6);
    }

    @Test
    void denseDispatchEqualsRunningEachTokenThroughItsTwoExpertsOnly() {
        int c = 8, h = 12, e = 4;
        MixtureOfExperts moe = new MixtureOfExperts(c, h, e, 2);
        moe.initialize(nd, DataType.FLOAT32, new Shape(1, 5, c));
        Random random = new Random(3);
        moe.getParameters()
                .forEach(p -> Tensors.overwrite(
                        p.getValue().getArray(),
                        scaled(
                                LlamaFixtures.randomVector(
                                        random, (int) p.getValue().getArray().size()),
                                0.5f)));
        NDArray x = nd.randomNormal(new Shape(1, 5, c));
        ParameterStore ps = new ParameterStore(nd, false);
        NDList out = moe.forward(ps, x, false);
        float[] y = out.get(0).toFloatArray();
        float[] router = Tensors.floats(moe.routerWeight()), xs = x.toFloatArray();
        int[] counts = new int[e];
        for (int t = 0; t < 5; t++) {
            float[] token = java.util.Arrays.copyOfRange(xs, t * c, (t + 1) * c);
            float[] logits = new float[e];
            for (int j = 0; j < e; j++)
                logits[j] = (float) LlamaFixtures.dot(java.util.Arrays.copyOfRange(router, j * c, (j + 1) * c), token);
            float[] p = PlainLlama.softmax(logits);
            int[] top = PlainLlama.topK(p, 2);
            double[] expected = new double[c];
            for (int j : top) {
                counts[j]++;
                float[] ej = moe.expert(j)
                        .forward(ps, new NDList(nd.create(token, new Shape(1, 1, c))), false)
                        .singletonOrThrow()
                        .toFloatArray();
                for (int i = 0; i < c; i++) expected[i] += p[j] / (p[top[0]] + p[top[1]]) * ej[i];
            }
            for (int i = 0; i < c; i++) assertEquals(expected[i], y[t * c + i], 1e-5, "token " + t);
        }
        float[] load = out.get(2).toFloatArray();
        for (int j = 0; j < e; j++)
            assertEquals(counts[j] / 10.0, load[j], 1e-6, "expert " + j + "'s share of the 10 slots");
        assertEquals(
                MixtureOfExperts.parameterCount(c, h, e),
                moe.getParameters().stream()
                        .mapToLong(p -> p.getValue().getArray().size())
                        .sum());
        assertEquals(e * c + 2L * 3 * c * h, MixtureOfExperts.activeParameterCount(c, h, e, 2));
    }

    @Test
    void theBalancingLossIsOneWhenTheLoadAndTheProbabilitiesAreEven() {
        MixtureOfExperts moe = new MixtureOfExperts(4, 8, 4, 2);
        moe.initialize(nd, DataType.FLOAT32, new Shape(1, 4, 4));
        Tensors.overwrite(
                moe.routerWeight(),
                new float[16]); // every probability 1/4; ties broken by index, so experts 0 and 1 take every slot
        NDList out = moe.forward(new ParameterStore(nd, false), nd.randomNormal(new Shape(1, 4, 4)), false);
        // f = (1/2, 1/2, 0, 0), P = 1/4 each: E·Σ f·P = 4 · 1/4 = 1 whatever the split, because P is even.
        assertEquals(1.0, out.get(1).getFloat(), 1e-6);
        float[] skewed = {5, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0}; // every token prefers experts 0 and 1
        Tensors.overwrite(moe.routerWeight(), skewed);
        NDArray positive = nd.randomUniform(0.5f, 1f, new Shape(1, 16, 4));
        assertTrue(
                moe.forward(new ParameterStore(nd, false), positive, false)
                                .get(1)
                                .getFloat()
                        > 1.2,
                "a skewed router costs more than an even one");
    }

    @Test
    void refusesFewerThanTwoExpertsAndImpossibleTopK() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MixtureOfExperts(8, 8, 1, 1))
                .getMessage()
                .contains("at least 2 experts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MixtureOfExperts(8, 8, 4, 5))
                .getMessage()
                .contains("topK 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MixtureOfExperts(8, 8, 4, 0))
                .getMessage()
                .contains("topK 0"));
    }

    private static float[] scaled(float[] v, float s) {
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return v;
    }
}

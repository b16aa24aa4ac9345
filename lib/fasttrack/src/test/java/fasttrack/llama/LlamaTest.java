package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.KvCache;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.train.GptTrainer;
import fasttrack.train.TrainingHistory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaTest {

    private static final LlamaConfig SMALL =
            new LlamaConfig(20, 16, 2, 4, 2, 32, 48, 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0);
    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(1);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void parameterCountsByHandMatchTheBuiltModels() {
        for (LlamaConfig c : List.of(
                SMALL,
                SMALL.withTiedWeights(true),
                SMALL.withExperts(4, 2),
                SMALL.withKvHeads(1),
                SMALL.withNorm(LlamaConfig.Norm.LAYER),
                LlamaConfig.kjv(65))) {
            assertEquals(c.parameterCount(), new Llama(c).initialize(nd).parameterCount(), c.toString());
        }
    }

    @Test
    void logitsHaveOneDistributionPerPositionAndAMixtureReportsItsLoad() {
        Llama dense = LlamaFixtures.model(SMALL, nd, 1, 0.2f);
        NDArray ids = nd.create(new int[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
        Llama.Output out = dense.forward(new ParameterStore(nd, false), ids, false, null);
        assertEquals(new Shape(2, 3, 20), out.logits().getShape());
        assertNull(out.balancingLoss());
        Llama moe = LlamaFixtures.model(SMALL.withExperts(4, 2), nd, 2, 0.2f);
        Llama.Output mixed = moe.forward(new ParameterStore(nd, false), ids, false, null);
        assertNotNull(mixed.balancingLoss());
        assertEquals(new Shape(2, 4), mixed.expertLoad().getShape(), "layers × experts");
        float[] load = mixed.expertLoad().toFloatArray();
        assertEquals(1.0, load[0] + load[1] + load[2] + load[3], 1e-6, "shares of the routing slots");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> dense.logits(nd.zeros(new Shape(1, 17))))
                .getMessage()
                .contains("exceed the context"));
    }

    @Test
    void cachedDecodingReproducesTheFullForward() {
        for (LlamaConfig c : List.of(SMALL, SMALL.withExperts(4, 2), SMALL.withRopeLayout(Rope.Layout.INTERLEAVED))) {
            Llama model = LlamaFixtures.model(c, nd, 3, 0.2f);
            int[] ids = {3, 1, 4, 1, 5, 9, 2, 6};
            float[] full = model.logits(nd.create(ids, new Shape(1, 8))).toFloatArray();
            try (KvCache cache = model.newCache(nd)) {
                NDArray first = model.logitsCached(nd.create(new int[] {3, 1, 4, 1, 5}, new Shape(1, 5)), cache);
                assertTrue(
                        LlamaFixtures.maxAbsDiff(java.util.Arrays.copyOf(full, 5 * 20), first.toFloatArray()) < 1e-4);
                for (int t = 5; t < 8; t++) {
                    float[] step = model.logitsCached(nd.create(new int[] {ids[t]}, new Shape(1, 1)), cache)
                            .toFloatArray();
                    assertTrue(
                            LlamaFixtures.maxAbsDiff(java.util.Arrays.copyOfRange(full, t * 20, (t + 1) * 20), step)
                                    < 1e-4,
                            c + " position " + t);
                }
                assertEquals(c.kvCacheBytes(8, 4), cache.bytes(), "the cache holds what the formula says");
            }
        }
    }

    @Test
    void poolingKeyValueHeadsAveragesEachGroup() {
        Llama model = LlamaFixtures.model(SMALL.withKvHeads(4), nd, 4, 0.2f);
        Llama pooled = model.poolKeyValueHeads(2, nd);
        assertEquals(2, pooled.config().kvHeads());
        NDArray k = model.blocks().get(1).attention().keyWeight(),
                p = pooled.blocks().get(1).attention().keyWeight();
        NDArray expected =
                k.get(new NDIndex("0:8")).add(k.get(new NDIndex("8:16"))).div(2);
        assertTrue(LlamaFixtures.maxAbsDiff(
                        expected.toFloatArray(), p.get(new NDIndex("0:8")).toFloatArray())
                < 1e-6);
        assertTrue(LlamaFixtures.maxAbsDiff(
                        Tensors.floats(model.blocks().get(0).attention().queryWeight()),
                        Tensors.floats(pooled.blocks().get(0).attention().queryWeight()))
                == 0);
        Llama same = model.poolKeyValueHeads(4, nd);
        NDArray ids = nd.create(new int[] {1, 2, 3, 4}, new Shape(1, 4));
        assertTrue(
                LlamaFixtures.maxAbsDiff(
                                model.logits(ids).toFloatArray(),
                                same.logits(ids).toFloatArray())
                        < 1e-6,
                "pooling groups of one changes nothing");
        assertThrows(IllegalArgumentException.class, () -> model.poolKeyValueHeads(3, nd));
    }

    @Test
    void aLayerNormModelRunsButHasNoRmsNormsToExport() {
        Llama layer = LlamaFixtures.model(SMALL.withNorm(LlamaConfig.Norm.LAYER), nd, 6, 0.2f);
        assertEquals(
                new Shape(1, 3, 20),
                layer.logits(nd.create(new int[] {1, 2, 3}, new Shape(1, 3))).getShape());
        assertEquals(SMALL.parameterCount() + 5L * 32, layer.parameterCount(), "a shift of C per norm, 5 norms");
        assertTrue(assertThrows(
                        IllegalStateException.class, () -> layer.blocks().get(0).attentionNorm())
                .getMessage()
                .contains("LayerNorm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LlamaFolder.tensors(layer))
                .getMessage()
                .contains("RMSNorm"));
    }

    @Test
    void trainingLowersTheLossAndRecordsEveryStepsExpertLoad() {
        int[] text = new int[600];
        for (int i = 0; i < text.length; i++) text[i] = (i * 7 + i / 5) % 20;
        GptTrainer.Config config = GptTrainer.Config.defaults(20)
                .withBatchSize(4)
                .withEvaluation(10, 2)
                .withLearningRate(3e-3f, 3e-4f);
        Llama moe = Llama.create(SMALL.withExperts(4, 2), nd, 5);
        try (LlamaTrainer trainer = new LlamaTrainer(moe, text, text, config, 0.02f, nd)) {
            TrainingHistory history = trainer.train(null);
            List<TrainingHistory.Evaluation> evals = history.evaluations();
            assertEquals(2, evals.size());
            assertTrue(evals.get(1).validationLoss() < Math.log(20), "below a uniform guess after 20 steps: " + evals);
            assertEquals(20, trainer.expertLoads().size());
            float[] layer0 = trainer.expertLoads().get(19)[0];
            assertEquals(1.0, layer0[0] + layer0[1] + layer0[2] + layer0[3], 1e-5);
        }
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new LlamaTrainer(Llama.create(SMALL, nd, 5), text, text, config, 0.02f, nd))
                .getMessage()
                .contains("dense"));
    }
}

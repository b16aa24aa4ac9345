package fasttrack.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.train.GptTrainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FLOP and memory formulas against hand counts, the engine's own matmuls and the ZeRO paper. */
class ScaleAccountingTest {

    private static final GptConfig TINY = new GptConfig(10, 6, 2, 2, 4, 0f, false);

    @Test
    void theFlopFormulaAddsUpTheMatmulsByHand() {
        // C = 4, V = 10, T = 6, L = 2: per layer and token, forward QKV 2·4·12, projection 2·4·4,
        // MLP 2·4·16 twice, attention 2·6·4 twice; head 2·4·10.
        double layer = 2 * 4 * 12 + 2 * 4 * 4 + 2 * (2 * 4 * 16) + 2 * (2 * 6 * 4);
        double forward = 2 * layer + 2 * 4 * 10;
        assertEquals(2 * 12 * 16 + 40, TransformerFlops.matmulWeights(TINY));
        assertEquals(forward, TransformerFlops.forwardPerToken(TINY));
        assertEquals(3 * forward, TransformerFlops.trainingPerToken(TINY));
        assertEquals(3 * forward * 5 * 6, TransformerFlops.trainingStep(TINY, 5));
        assertThrows(IllegalArgumentException.class, () -> TransformerFlops.trainingStep(TINY, 0));
        assertThrows(IllegalArgumentException.class, () -> TransformerFlops.training(TINY, -1));
    }

    @Test
    void theFormulaEqualsTheMatmulsTheEngineRunsInATrainingStep() {
        GptConfig config = new GptConfig(13, 8, 2, 2, 8, 0f, false);
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(1);
            Gpt model = new Gpt(config).initialize(nd);
            ParameterStore ps = new ParameterStore(nd, false);
            NDArray ids = nd.randomInteger(0, 13, new Shape(3, 8), ai.djl.ndarray.types.DataType.INT64);
            Runnable step = () -> {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(GptTrainer.crossEntropy(model.logits(ps, ids, true), ids));
                }
            };
            step.run(); // warm-up outside the profile
            MatmulCount count = MatmulCount.of(step);
            assertEquals(TransformerFlops.trainingStep(config, 3), count.flops(), 1e-9);
            // 4 products per layer and the head forward, two of each backward; 2 batched products per layer, three
            // times
            assertEquals(
                    27,
                    count.calls().getOrDefault("aten::mm", 0) + count.calls().getOrDefault("aten::addmm", 0));
            assertEquals(12, count.calls().get("aten::bmm"));
        }
    }

    @Test
    void modelStatesMatchTheZeroPapersSevenPointFiveBillionExample() {
        // Rajbhandari et al. 2020, figure 1: Ψ = 7.5B, K = 12, N_d = 64
        TrainingMemory memory = new TrainingMemory(7.5e9);
        assertEquals(120e9, memory.dataParallel(), 1);
        assertEquals(31.4e9, memory.zero(1, 64), 0.05e9);
        assertEquals(16.6e9, memory.zero(2, 64), 0.05e9);
        assertEquals(1.875e9, memory.zero(3, 64), 1);
        assertEquals(15e9, memory.tensorParallel(8), 1);
        assertEquals(30e9, memory.pipelineParallel(4), 1);
        assertThrows(IllegalArgumentException.class, () -> memory.zero(4, 8));
        assertThrows(IllegalArgumentException.class, () -> memory.zero(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrainingMemory(0));
    }

    @Test
    void activationMemoryFollowsKorthikantiEtAl() {
        // s = 2048, b = 1, h = 4096, a = 32: s·b·h·(34 + 5·32·2048/4096) = 2048·4096·114
        assertEquals(2048.0 * 4096 * 114, TrainingMemory.activationsPerLayer(2048, 1, 4096, 32));
        assertThrows(IllegalArgumentException.class, () -> TrainingMemory.activationsPerLayer(0, 1, 4096, 32));
    }

    @Test
    void aBudgetTooSmallForAModelIsRefusedBeforeAnythingTrains() {
        IsoFlopSweep.Settings settings = new IsoFlopSweep.Settings(4, 20, 1e-3f, 2, 1);
        GptConfig small = new GptConfig(10, 8, 1, 1, 4, 0f, false), large = new GptConfig(10, 8, 2, 2, 16, 0f, false);
        double enough = 20 * TransformerFlops.trainingStep(large, 4);
        IsoFlopSweep.validate(List.of(new IsoFlopSweep.Budget(enough, List.of(small, large))), settings);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> IsoFlopSweep.validate(
                        List.of(new IsoFlopSweep.Budget(enough / 2, List.of(small, large))), settings));
        assertTrue(e.getMessage().contains("raise the budget to at least"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IsoFlopSweep.Budget(-1, List.of(small)));
        assertThrows(IllegalArgumentException.class, () -> new IsoFlopSweep.Budget(enough, List.of()));
        assertThrows(IllegalArgumentException.class, () -> IsoFlopSweep.validate(List.of(), settings));
        assertThrows(IllegalArgumentException.class, () -> new IsoFlopSweep.Settings(0, 20, 1e-3f, 2, 1));
        assertEquals(10, IsoFlopSweep.steps(10.5 * TransformerFlops.trainingStep(large, 4), large, 4));
    }
}

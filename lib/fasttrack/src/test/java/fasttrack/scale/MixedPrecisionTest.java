package fasttrack.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.train.GptTrainer;
import fasttrack.train.LearningRateSchedule;
import fasttrack.train.TokenBatches;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixedPrecisionTest {

    private static final GptConfig CONFIG = new GptConfig(11, 16, 1, 2, 16, 0f, false);

    @Test
    void theLossGradientIsSoftmaxMinusOneHotOverPositions() {
        try (NDManager nd = Setup.manager().newSubManager()) {
            NDArray logits = nd.create(new float[] {1, 2, 0, 0, 0, 3}, new Shape(1, 2, 3));
            NDArray targets = nd.create(new long[] {1, 0}, new Shape(1, 2));
            float[] g = MixedPrecision.lossGradient(logits, targets).toFloatArray();
            double z1 = Math.exp(1) + Math.exp(2) + 1, z2 = 2 + Math.exp(3);
            assertEquals((Math.exp(1) / z1) / 2, g[0], 1e-6);
            assertEquals((Math.exp(2) / z1 - 1) / 2, g[1], 1e-6);
            assertEquals((1 / z2 - 1) / 2, g[3], 1e-6);
        }
    }

    @Test
    void float16TrainingFollowsFloat32AndKeepsFloat32Masters() {
        Random random = new Random(5);
        int[] tokens = new int[800]; // mostly counting mod 11, with some noise: learnable, not trivial
        for (int i = 1; i < tokens.length; i++)
            tokens[i] = random.nextInt(5) == 0 ? random.nextInt(11) : (tokens[i - 1] + 1) % 11;
        GptTrainer.Config config =
                GptTrainer.Config.defaults(20).withBatchSize(4).withWarmup(2).withLearningRate(1e-2f, 1e-3f);
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(2);
            Gpt full = new Gpt(CONFIG).initialize(nd);
            Setup.seed(2);
            Gpt master = new Gpt(CONFIG).initialize(nd);
            LearningRateSchedule schedule =
                    new LearningRateSchedule(config.maxLr(), config.minLr(), config.warmupSteps(), config.totalSteps());
            TokenBatches batches = new TokenBatches(tokens, CONFIG.blockSize(), config.batchSize());
            try (GptTrainer trainer = new GptTrainer(full, tokens, tokens, config, nd);
                    MixedPrecision mixed =
                            new MixedPrecision(master, config.weightDecay(), config.gradClip(), 1024, 5, nd)) {
                double first = 0, last = 0;
                for (int step = 0; step < 20; step++) {
                    trainer.train(1, null);
                    double loss = mixed.step(batches.batch(config.seed(), step), schedule.at(step));
                    if (step == 0) first = loss;
                    last = loss;
                    assertEquals(trainer.history().steps().get(step).loss(), loss, 0.005, "step " + step);
                }
                assertTrue(last < first - 0.5, "mixed precision trains: " + first + " -> " + last);
                assertEquals(
                        DataType.FLOAT32,
                        master.getParameters().get(0).getValue().getArray().getDataType());
                assertEquals(
                        DataType.FLOAT16,
                        mixed.halfModel()
                                .getParameters()
                                .get(0)
                                .getValue()
                                .getArray()
                                .getDataType());
                assertEquals(0, mixed.skippedSteps());
                assertEquals(1024 * 16, mixed.lossScale(), "the scale doubled after every 5 good steps");
                NDArray ids = nd.create(new long[] {1, 2, 3, 4}, new Shape(1, 4));
                ParameterStore ps = new ParameterStore(nd, false);
                double difference = master.logits(ps, ids, false)
                        .sub(mixed.halfModel().logits(ps, ids, false).toType(DataType.FLOAT32, false))
                        .abs()
                        .max()
                        .getFloat();
                assertTrue(
                        difference < 0.05,
                        "the float16 copy computes what the masters do, to float16 precision: " + difference);
            }
        }
    }

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScale() {
        int[] tokens = new Random(5).ints(800, 0, 11).toArray();
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(2);
            Gpt master = new Gpt(CONFIG).initialize(nd);
            float[] before = master.getParameters().get(0).getValue().getArray().toFloatArray();
            try (MixedPrecision mixed = new MixedPrecision(
                    master, 0.1f, 1f, 1e9f, 5, nd)) { // 1e9 × gradients overflows float16 (max 65504)
                mixed.step(new TokenBatches(tokens, 16, 4).batch(1, 0), 1e-2f);
                assertEquals(1, mixed.skippedSteps());
                assertEquals(5e8f, mixed.lossScale());
                assertEquals(
                        java.util.Arrays.toString(before),
                        java.util.Arrays.toString(master.getParameters()
                                .get(0)
                                .getValue()
                                .getArray()
                                .toFloatArray()),
                        "a skipped step leaves the weights alone");
            }
            assertThrows(IllegalArgumentException.class, () -> new MixedPrecision(master, 0.1f, 1f, 0.5f, 5, nd));
            assertThrows(IllegalArgumentException.class, () -> new Gpt(CONFIG).initialize(nd, DataType.BFLOAT16));
        }
    }
}

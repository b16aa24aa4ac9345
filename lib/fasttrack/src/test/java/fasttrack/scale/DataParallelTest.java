package fasttrack.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.train.GptTrainer;
import fasttrack.train.LearningRateSchedule;
import fasttrack.train.TokenBatches;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataParallelTest {

    private static final GptConfig CONFIG = new GptConfig(11, 8, 1, 2, 8, 0f, false);

    @Test
    void ringAllReduceLeavesTheMeanWithEveryWorker() {
        Random random = new Random(3);
        for (int p : new int[] {1, 2, 3, 5}) {
            float[][] buffers = new float[p][13];
            double[] mean = new double[13];
            for (float[] b : buffers) for (int i = 0; i < 13; i++) mean[i] += (b[i] = random.nextFloat()) / p;
            long sent = AllReduce.ringMean(buffers);
            for (float[] b : buffers) for (int i = 0; i < 13; i++) assertEquals(mean[i], b[i], 1e-6);
            assertTrue(
                    sent <= 2 * (p - 1) * (13 / p + 1), "each worker sends about 2(p−1)/p of the buffer, sent " + sent);
        }
        assertThrows(
                IllegalArgumentException.class, () -> AllReduce.ringMean(new float[][] {new float[3], new float[4]}));
    }

    @Test
    void twoReplicasOnHalfBatchesTakeTheStepOfOneModelOnTheWholeBatch() {
        int[] tokens = new Random(5).ints(500, 0, 11).toArray();
        GptTrainer.Config config = GptTrainer.Config.defaults(10)
                .withBatchSize(4)
                .withWarmup(1)
                .withLearningRate(1e-2f, 1e-3f)
                .withGradClip(0.5f);
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(2);
            Gpt single = new Gpt(CONFIG).initialize(nd);
            Setup.seed(2);
            Gpt a = new Gpt(CONFIG).initialize(nd);
            Setup.seed(2);
            Gpt b = new Gpt(CONFIG).initialize(nd);
            LearningRateSchedule schedule =
                    new LearningRateSchedule(config.maxLr(), config.minLr(), config.warmupSteps(), config.totalSteps());
            TokenBatches batches = new TokenBatches(tokens, CONFIG.blockSize(), config.batchSize());
            try (GptTrainer trainer = new GptTrainer(single, tokens, tokens, config, nd);
                    DataParallel parallel =
                            new DataParallel(List.of(a, b), config.weightDecay(), config.gradClip(), nd)) {
                for (int step = 0; step < 3; step++) {
                    trainer.train(1, null);
                    double loss = parallel.step(batches.batch(config.seed(), step), schedule.at(step));
                    assertEquals(trainer.history().steps().get(step).loss(), loss, 1e-5);
                }
                var expected = single.getParameters();
                for (int i = 0; i < expected.size(); i++) {
                    float[] w = expected.get(i).getValue().getArray().toFloatArray();
                    assertArrayEquals(
                            w,
                            a.getParameters().get(i).getValue().getArray().toFloatArray(),
                            1e-5f,
                            expected.get(i).getKey());
                    assertArrayEquals(
                            w,
                            b.getParameters().get(i).getValue().getArray().toFloatArray(),
                            1e-5f,
                            expected.get(i).getKey());
                }
            }
        }
    }

    @Test
    void replicasThatDifferAreRefused() {
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(2);
            Gpt a = new Gpt(CONFIG).initialize(nd);
            Setup.seed(3);
            Gpt b = new Gpt(CONFIG).initialize(nd);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new DataParallel(List.of(a, b), 0.1f, 1f, nd));
            assertTrue(e.getMessage().contains("same weights"), e.getMessage());
        }
    }
}

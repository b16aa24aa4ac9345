package fasttrack.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTrainingTest {

    private static final GptConfig TINY = new GptConfig(12, 16, 2, 2, 16, 0.1f, false);

    @TempDir
    Path dir;

    private NDManager nd;
    private int[] tokens;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        // Six 4-token "words", each starting with its own token: after a word's first token the next
        // three are certain; after its last, any of the six first tokens may follow.
        tokens = new int[4000];
        java.util.Random random = new java.util.Random(1);
        int[][] words = new int[6][4];
        for (int w = 0; w < 6; w++) {
            words[w][0] = w;
            for (int j = 1; j < 4; j++) words[w][j] = 6 + random.nextInt(6);
        }
        for (int i = 0; i < tokens.length; i += 4) System.arraycopy(words[random.nextInt(6)], 0, tokens, i, 4);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private GptTrainer trainer(int totalSteps) {
        Setup.seed(7);
        Gpt model = new Gpt(TINY).initialize(nd);
        return new GptTrainer(
                model,
                java.util.Arrays.copyOf(tokens, 3600),
                java.util.Arrays.copyOfRange(tokens, 3600, 4000),
                new GptTrainer.Config(8, totalSteps, 3e-3f, 3e-4f, 5, 0.1f, 1f, 10, 2, 99),
                nd);
    }

    @Test
    void itLearnsAPredictableToken() {
        try (GptTrainer trainer = trainer(300)) {
            double before = trainer.evaluate(java.util.Arrays.copyOfRange(tokens, 3600, 4000));
            trainer.train(null);
            TrainingHistory.Evaluation last = trainer.history().lastEvaluation();
            double floor = Math.log(6) / 4; // only the choice of the next word is uncertain
            assertTrue(Math.abs(before - Math.log(12)) < 0.1, "starts as a uniform guess, ln 12: " + before);
            assertTrue(
                    last.validationLoss() < floor + 0.35,
                    "learned the words: " + last.validationLoss() + " vs floor " + floor);
            assertEquals(30, trainer.history().evaluations().size());
            assertEquals(300, trainer.history().steps().size());
        }
    }

    /** Interrupt after 20 steps, save, resume: the next 20 losses equal those of a run that never stopped. */
    @Test
    void resumingFromACheckpointReproducesTheUninterruptedRun() throws Exception {
        double[] straight;
        try (GptTrainer trainer = trainer(40)) {
            trainer.train(null);
            straight = trainer.history().steps().stream()
                    .mapToDouble(TrainingHistory.Step::loss)
                    .toArray();
        }
        Path file = dir.resolve("run.ckpt");
        try (GptTrainer trainer = trainer(40)) {
            trainer.train(20, null);
            trainer.save(file);
        }
        Setup.seed(12345); // a different engine state: the checkpoint must not depend on it
        try (GptTrainer resumed = GptTrainer.resume(
                file, java.util.Arrays.copyOf(tokens, 3600), java.util.Arrays.copyOfRange(tokens, 3600, 4000), nd)) {
            assertEquals(20, resumed.step());
            resumed.train(null);
            double[] continued = resumed.history().steps().stream()
                    .mapToDouble(TrainingHistory.Step::loss)
                    .toArray();
            assertArrayEquals(straight, continued, 1e-5);
        }
    }

    @Test
    void corruptTruncatedAndForeignFilesAreRefused() throws Exception {
        Path file = dir.resolve("good.ckpt");
        try (GptTrainer trainer = trainer(10)) {
            trainer.train(5, null);
            trainer.save(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        Checkpoint good = Checkpoint.read(file);
        assertEquals(5, good.step());
        assertEquals(TINY, good.modelConfig());

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        Path corrupt = Files.write(dir.resolve("corrupt.ckpt"), flipped);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(corrupt))
                .getMessage()
                .contains("corrupt"));
        Path truncated = Files.write(dir.resolve("truncated.ckpt"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(truncated))
                .getMessage()
                .contains("corrupt"));
        Path foreign = Files.writeString(
                dir.resolve("notes.md"), "# not a checkpoint, but long enough to have a header and a checksum");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(foreign))
                .getMessage()
                .contains("not a FastTrack checkpoint"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(dir.resolve("missing.ckpt")))
                .getMessage()
                .contains("no checkpoint"));

        Gpt other = new Gpt(new GptConfig(12, 16, 1, 2, 16, 0.1f, false)).initialize(nd);
        var mismatch = assertThrows(IllegalArgumentException.class, () -> good.loadWeights(other));
        assertTrue(mismatch.getMessage().contains("modelConfig()"), mismatch.getMessage());
    }

    @Test
    void aCheckpointRestoresTheExactWeights() throws Exception {
        Path file = dir.resolve("w.ckpt");
        float[] saved;
        try (GptTrainer trainer = trainer(10)) {
            trainer.train(3, null);
            trainer.save(file);
            saved = trainer.model().getParameters().get(4).getValue().getArray().toFloatArray();
        }
        Gpt fresh = new Gpt(TINY).initialize(nd);
        Checkpoint.read(file).loadWeights(fresh);
        assertArrayEquals(
                saved, fresh.getParameters().get(4).getValue().getArray().toFloatArray());
    }

    /** Native memory: after the first steps, training creates no arrays that outlive their step. */
    @Test
    void trainingStepsLeaveNoArraysBehind() {
        try (GptTrainer trainer = trainer(60)) {
            trainer.train(5, null);
            int before = countArrays(Setup.manager());
            trainer.train(50, null);
            assertEquals(before, countArrays(Setup.manager()), "arrays alive before and after 50 more steps");
        }
    }

    @Test
    void badSettingsAreExplained() {
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(12, 16, 2, 3, 16, 0.1f, false));
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(1, 16, 2, 2, 16, 0.1f, false));
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(12, 16, 2, 2, 16, 1f, false));
        assertThrows(
                IllegalArgumentException.class, () -> new GptTrainer.Config(8, 10, 1e-3f, 1e-2f, 2, 0.1f, 1f, 5, 2, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GptTrainer.Config(8, 10, 1e-3f, 1e-4f, 20, 0.1f, 1f, 5, 2, 1));
        Gpt model = new Gpt(TINY).initialize(nd);
        var outside = assertThrows(
                IllegalArgumentException.class,
                () -> new GptTrainer(model, new int[] {1, 2, 40}, tokens, GptTrainer.Config.defaults(10), nd));
        assertTrue(outside.getMessage().contains("outside the model's vocabulary"), outside.getMessage());
        var tooShort = assertThrows(
                IllegalArgumentException.class,
                () -> new GptTrainer(model, tokens, new int[] {1, 2}, GptTrainer.Config.defaults(10), nd));
        assertTrue(tooShort.getMessage().contains("fewer than one window"), tooShort.getMessage());
    }

    @Test
    void stepsWithNonFiniteGradientsAreSkippedUntilItIsClearlyDivergence() {
        try (GptTrainer trainer = trainer(10)) {
            Map<String, NDArray> none = Map.of();
            for (int i = 0; i < 5; i++) trainer.update(none, Double.NaN, 1e-3f);
            trainer.update(none, 1.0, 1e-3f); // a finite step resets the count
            for (int i = 0; i < 5; i++) trainer.update(none, Double.POSITIVE_INFINITY, 1e-3f);
            var diverged = assertThrows(IllegalStateException.class, () -> trainer.update(none, Double.NaN, 1e-3f));
            assertTrue(diverged.getMessage().contains("6 steps in a row"), diverged.getMessage());
            assertEquals(1, trainer.optimizer().steps(), "only the finite step updated anything");
        }
    }

    @Test
    void theProgressLineWritesTheTimeLeftAsEveryProgressLineDoes() {
        var progress = new GptTrainer.Progress(100, 600, 2.3456, 1e-3f, 12_345, Duration.ofSeconds(185), null, 0);
        assertEquals("step   100/600  loss 2.3456  lr 1.00e-03  12,345 tokens/s  ETA 3m05s", progress.toString());
        assertTrue(new GptTrainer.Progress(1, 600, 4, 1e-4f, 100, Duration.ofSeconds(3_700), null, 0)
                .toString()
                .endsWith("ETA 1h01m"));
    }

    @Test
    void theScheduleWarmsUpThenDecays() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 1e-4f, 10, 110);
        assertEquals(1e-4f, s.at(0), 1e-9);
        assertEquals(1e-3f, s.at(9), 1e-9);
        assertEquals(0.55e-3f, s.at(60), 1e-6);
        assertEquals(1e-4f, s.at(110), 1e-9);
        assertEquals(1e-4f, s.at(500), 1e-9);
    }

    @Test
    void adamWFollowsItsFormula() {
        try (NDManager m = nd.newSubManager();
                AdamW adam = new AdamW(m, 0.9f, 0.95f, 1e-8f, 0.1f)) {
            NDArray w = m.create(new float[][] {{1f, -2f}});
            w.setRequiresGradient(true);
            double[] weight = {1, -2}, mom = {0, 0}, vel = {0, 0};
            double[][] grads = {{0.5, -1}, {0.25, 2}};
            for (int t = 1; t <= 2; t++) {
                try (var collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    collector.backward(w.mul(m.create(new float[][] {{(float) grads[t - 1][0], (float) grads[t - 1][1]}
                            }))
                            .sum());
                }
                adam.step(Map.of("w", w), 0.01f);
                try (NDArray g = w.getGradient()) {
                    g.subi(g);
                }
                for (int i = 0; i < 2; i++) {
                    double g = grads[t - 1][i];
                    mom[i] = 0.9 * mom[i] + 0.1 * g;
                    vel[i] = 0.95 * vel[i] + 0.05 * g * g;
                    double update =
                            (mom[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(vel[i] / (1 - Math.pow(0.95, t))) + 1e-8)
                                    + 0.1 * weight[i];
                    weight[i] -= 0.01 * update;
                }
            }
            float[] actual = w.toType(DataType.FLOAT32, false).toFloatArray();
            assertArrayEquals(new double[] {weight[0], weight[1]}, new double[] {actual[0], actual[1]}, 1e-6);
        }
    }

    /** Clipping is a factor on the gradients the optimizer reads: the same update as gradients scaled beforehand. */
    @Test
    void clippingScalesTheGradientsAdamWReads() {
        try (NDManager m = nd.newSubManager();
                AdamW scaled = new AdamW(m, 0.9f, 0.95f, 1e-8f, 0.1f);
                AdamW plain = new AdamW(m, 0.9f, 0.95f, 1e-8f, 0.1f)) {
            NDArray a = m.create(new float[][] {{1f, -2f}, {0.5f, 3f}}), b = a.duplicate();
            NDArray bias = m.create(new float[] {0.3f, -0.1f});
            for (NDArray w : new NDArray[] {a, b, bias}) w.setRequiresGradient(true);
            NDArray g = m.create(new float[][] {{3f, -4f}, {12f, 0f}});
            try (var collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                collector.backward(a.mul(g)
                        .sum()
                        .add(b.mul(g.mul(0.25f)).sum())
                        .add(bias.mul(m.create(new float[] {4f, 3f})).sum()));
            }
            assertEquals(
                    Math.sqrt(9 + 16 + 144 + (9 + 16 + 144) / 16.0 + 16 + 9),
                    GptTrainer.gradientNorm(List.of(a, b, bias)),
                    1e-4);
            assertEquals(0.25f, GptTrainer.clipScale(4.0, 1f));
            assertEquals(1f, GptTrainer.clipScale(0.5, 1f), "within the limit: unchanged");
            assertEquals(1f, GptTrainer.clipScale(40, 0f), "0 turns clipping off");
            scaled.step(Map.of("w", a), 0.01f, 0.25f); // a's gradient g, read as g/4
            plain.step(Map.of("w", b), 0.01f); // b's gradient g/4
            assertArrayEquals(b.toFloatArray(), a.toFloatArray(), 1e-7f);
            try (NDArray cleared = a.getGradient()) {
                assertEquals(0f, cleared.abs().sum().getFloat(), "the step clears the gradient");
            }
            assertThrows(IllegalArgumentException.class, () -> scaled.step(Map.of("w", a), 0.01f, 0f));
        }
    }

    private static int countArrays(NDManager manager) {
        return manager.getManagedArrays().size();
    }

    @Test
    void namedChangesBuildTheSameConfigAsAllTenNumbers() {
        var named = GptTrainer.Config.defaults(300)
                .withBatchSize(8)
                .withLearningRate(2e-3f, 2e-4f)
                .withWarmup(30)
                .withWeightDecay(0.05f)
                .withGradClip(0.5f)
                .withEvaluation(100, 4)
                .withSeed(7);
        assertEquals(new GptTrainer.Config(8, 300, 2e-3f, 2e-4f, 30, 0.05f, 0.5f, 100, 4, 7), named);
        assertThrows(
                IllegalArgumentException.class,
                () -> named.withWarmup(400),
                "a warm-up longer than the run is refused");
    }
}

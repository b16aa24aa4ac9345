package fasttrack.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step every trainer shares: skips, clipping, cleared gradients, the record, the seeds. */
class TrainingStepTest {

    private NDManager nd;
    private NDArray w;
    private AdamW adam;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        w = nd.create(new float[] {1f, -2f});
        w.setRequiresGradient(true);
        adam = new AdamW(nd, 0.9f, 0.95f, 1e-8f, 0f);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** Σ weight·c: its gradient is c whatever the weight is. */
    private static TrainingStep.Loss linear(NDArray weight, float... c) {
        return scope -> () -> weight.mul(scope.create(c)).sum();
    }

    private float[] gradient() {
        try (NDArray g = w.getGradient()) {
            return g.toFloatArray();
        }
    }

    @Test
    void aStepWhoseLossOrGradientsAreNotFiniteIsSkippedCountedAndCleared() {
        TrainingStep steps = new TrainingStep(adam, 1f);
        float[] before = w.toFloatArray();
        TrainingHistory.Step nanLoss = steps.run(nd, 1, 0, 0.1f, Map.of("w", w), linear(w, Float.NaN, 1f));
        assertTrue(Double.isNaN(nanLoss.loss()) && Double.isNaN(nanLoss.gradNorm()), nanLoss.toString());
        assertArrayEquals(before, w.toFloatArray(), "a skipped step leaves the weights alone");
        // √u at u = 0: a finite loss with an infinite gradient
        NDArray u = nd.create(new float[] {0f, 4f});
        u.setRequiresGradient(true);
        TrainingHistory.Step infiniteGradient = steps.run(
                nd, 1, 1, 0.1f, Map.of("u", u), scope -> () -> u.sqrt().sum());
        assertEquals(2, infiniteGradient.loss(), "the loss is finite");
        assertTrue(
                Double.isInfinite(infiniteGradient.gradNorm()), "the gradient is not: " + infiniteGradient.gradNorm());
        assertArrayEquals(new float[] {0f, 4f}, u.toFloatArray(), "a skipped step leaves the weights alone");
        try (NDArray g = u.getGradient()) {
            assertArrayEquals(
                    new float[] {0f, 0f}, g.toFloatArray(), "and clears the gradients (a fill: ∞ − ∞ would be NaN)");
        }
        assertEquals(2, steps.skipped());
        assertEquals(0, adam.steps(), "the optimizer never ran");
    }

    /** A skipped step stays in a trainer's history: counted, left out of the plot, saved and read back by a checkpoint. */
    @Test
    void aSkippedStepIsCountedPlottedAndCheckpointed(@TempDir Path dir) throws Exception {
        TrainingStep steps = new TrainingStep(adam, 1f);
        TrainingHistory history = new TrainingHistory();
        for (int step = 0; step < 4; step++)
            history.add(steps.run(nd, 1, step, 0.1f, Map.of("w", w), linear(w, step == 2 ? Float.NaN : 1f, 1f)));
        assertEquals(1, history.skippedSteps());
        assertTrue(history.plot("with a skip").png().length > 1000);

        Gpt model = new Gpt(new GptConfig(11, 8, 1, 2, 8, 0f, false)).initialize(nd);
        int[] tokens = new Random(4).ints(300, 0, 11).toArray();
        try (GptTrainer trainer =
                new GptTrainer(model, tokens, tokens, GptTrainer.Config.defaults(10), nd, 4, history)) {
            Path file = trainer.save(dir.resolve("skipped.ckpt"));
            List<TrainingHistory.Step> read = Checkpoint.read(file).history().steps();
            assertEquals(history.steps().toString(), read.toString(), "NaN loss and norm survive the round trip");
        }
    }

    @Test
    void skipsInARowBeyondTheLimitAreDivergenceAndAGoodStepResetsTheCount() {
        TrainingStep steps = new TrainingStep(adam, 1f, 2);
        Map<String, NDArray> none = Map.of();
        assertTrue(!steps.update(none, Double.NaN, 1e-3f) && !steps.update(none, Double.POSITIVE_INFINITY, 1e-3f));
        assertTrue(steps.update(none, 0.5, 1e-3f), "a finite norm updates");
        steps.update(none, Double.NaN, 1e-3f);
        steps.update(none, Double.NaN, 1e-3f);
        var diverged = assertThrows(IllegalStateException.class, () -> steps.update(none, Double.NaN, 1e-3f));
        assertTrue(diverged.getMessage().contains("3 steps in a row"), diverged.getMessage());
        assertEquals(5, steps.skipped());
        assertThrows(IllegalArgumentException.class, () -> new TrainingStep(adam, -1f));
    }

    /** Clipping to 1 a gradient of norm 5 is AdamW on the gradient divided by 5; the record holds the norm before clipping. */
    @Test
    void clippingScalesTheGradientByMaxOverNorm() {
        NDArray v = w.duplicate();
        v.setRequiresGradient(true);
        try (AdamW plain = new AdamW(nd, 0.9f, 0.95f, 1e-8f, 0f)) {
            TrainingStep clipped = new TrainingStep(adam, 1f), unclipped = new TrainingStep(plain, 0f);
            for (int step = 0;
                    step < 3;
                    step++) { // from the second step on, Adam's update depends on the gradient's size
                TrainingHistory.Step record = clipped.run(nd, 1, step, 0.1f, Map.of("w", w), linear(w, 3f, 4f));
                assertEquals(5, record.gradNorm(), 1e-6);
                unclipped.run(nd, 1, step, 0.1f, Map.of("v", v), linear(v, 0.6f, 0.8f));
            }
            assertArrayEquals(v.toFloatArray(), w.toFloatArray(), 1e-6f);
        }
        assertEquals(1f, GptTrainer.clipScale(0.5, 1f), "within the limit: unchanged");
    }

    @Test
    void gradientsDoNotAccumulateFromStepToStep() {
        TrainingStep steps = new TrainingStep(adam, 0f);
        for (int step = 0; step < 3; step++) {
            TrainingHistory.Step record = steps.run(nd, 1, step, 0.1f, Map.of("w", w), linear(w, 3f, 4f));
            assertEquals(5, record.gradNorm(), 1e-6, "step " + step + " sees its own gradient only");
            assertEquals(step, record.step());
            assertEquals(0.1f, record.learningRate());
            assertTrue(record.seconds() > 0);
            assertArrayEquals(new float[] {0f, 0f}, gradient(), "cleared after step " + step);
        }
        assertEquals(3, adam.steps());
    }

    /** Dropout masks come from the engine seeded with engineSeed(run, step), and batches from batchRandom(run, step). */
    @Test
    void everyStepIsSeededByOneFormula() {
        assertEquals((int) (1337L * 7919 + 12), TrainingStep.engineSeed(1337, 12));
        float[][] drawn = new float[1][];
        new TrainingStep(adam, 1f).run(nd, 99, 3, 0.1f, Map.of("w", w), scope -> {
            drawn[0] = scope.randomUniform(0, 1, new Shape(4)).toFloatArray();
            return () -> w.sum();
        });
        Engine.getInstance().setRandomSeed(TrainingStep.engineSeed(99, 3));
        assertArrayEquals(nd.randomUniform(0, 1, new Shape(4)).toFloatArray(), drawn[0]);

        int[] tokens = new Random(4).ints(300, 0, 11).toArray();
        TokenBatches.Batch batch = new TokenBatches(tokens, 8, 2).batch(99, 3);
        Random random = TrainingStep.batchRandom(99, 3);
        for (int b = 0; b < 2; b++) {
            int offset = random.nextInt(tokens.length - 8);
            assertEquals(tokens[offset], batch.inputs()[b * 8]);
        }

        // GptTrainer's step with dropout: its loss is the one computed under that seed, on that batch
        GptConfig config = new GptConfig(11, 8, 1, 2, 8, 0.5f, false);
        Setup.seed(2);
        Gpt model = new Gpt(config).initialize(nd);
        GptTrainer.Config run = GptTrainer.Config.defaults(4).withBatchSize(2).withSeed(99);
        TokenBatches.Batch first = new TokenBatches(tokens, 8, 2).batch(99, 0);
        Engine.getInstance().setRandomSeed(TrainingStep.engineSeed(99, 0));
        Shape shape = new Shape(2, 8);
        double expected = GptTrainer.crossEntropy(
                        model.logits(new ParameterStore(nd, false), nd.create(first.inputs(), shape), true),
                        nd.create(first.targets(), shape))
                .getFloat();
        try (GptTrainer trainer = new GptTrainer(model, tokens, tokens, run, nd)) {
            trainer.train(1, null);
            assertEquals(expected, trainer.history().steps().get(0).loss(), "dropout masks and batch of step 0");
        }
    }
}

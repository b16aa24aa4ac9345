package fasttrack.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.interpret.InductionTraining.Config;
import fasttrack.interpret.InductionTraining.Progress;
import fasttrack.runtime.Setup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Training on text and repeated strings: measurements at the right steps, kept weights, the phase change. */
class InductionTrainingTest {

    private static final int V = 12, T = 16;
    private static final AttentionOnlyTransformer.Config MODEL = new AttentionOnlyTransformer.Config(V, T, 2, 2, 8);

    private NDManager nd;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** Mostly counting mod V with some noise: text whose loss can fall (uniformly random ids could not go below ln V). */
    private static int[] text(long seed, int n) {
        Random random = new Random(seed);
        int[] ids = new int[n];
        for (int i = 1; i < n; i++) ids[i] = random.nextInt(10) == 0 ? random.nextInt(V) : (ids[i - 1] + 1) % V;
        return ids;
    }

    private static double mean(double[] values, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += values[i];
        return s / (to - from);
    }

    private static Progress progress(int step, double repeatedHalfLoss) {
        return new Progress(step, 4, repeatedHalfLoss, 3, 0, 0);
    }

    @Test
    void aShortRunMeasuresEveryFewStepsKeepsTheWeightsAndLowersTheTextLoss() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(MODEL, nd, 1)) {
            Map<String, float[]> initial = model.snapshot();
            RepeatedTokens repeats = new RepeatedTokens(V, T, 2, 8);
            InductionTraining training = new InductionTraining(
                    model, text(1, 500), text(2, 300), repeats, new Config(30, 8, 0.5, 1e-2f, 10, 3));
            List<Progress> history = training.run(nd, 0);

            assertEquals(
                    List.of(0, 10, 20, 30), history.stream().map(Progress::step).toList());
            assertEquals(history, training.history());
            Progress first = history.get(0), last = history.get(history.size() - 1);
            assertTrue(
                    Math.abs(first.textLoss() - Math.log(V)) < 0.1,
                    "an untrained model is near uniform: " + first.textLoss());
            assertTrue(
                    last.textLoss() < first.textLoss() - 0.2,
                    "the text loss falls: " + first.textLoss() + " -> " + last.textLoss());
            for (Progress p : history) {
                assertTrue(
                        p.bestPrefixMatching() > 0 && p.bestPrefixMatching() <= 1 + 1e-6,
                        "a score between 0 and 1: " + p);
                assertTrue(
                        p.bestPreviousToken() > 0 && p.bestPreviousToken() <= 1 + 1e-6,
                        "a score between 0 and 1: " + p);
                assertEquals(p.firstHalfLoss() - p.repeatedHalfLoss(), p.inContextScore(), 1e-12);
            }

            // The evaluation rows repeat at T / 2.
            int[][] eval = training.repeatEvaluation();
            assertEquals(32, eval.length);
            for (int[] row : eval) for (int i = T / 2; i <= T; i++) assertEquals(row[i - T / 2], row[i]);

            // The kept weights: step 0's are the model before training, step 30's the model after it.
            Map<String, float[]> finalWeights = model.snapshot();
            for (String name : initial.keySet()) {
                assertArrayEquals(initial.get(name), training.weightsAt(0).get(name), name);
                assertArrayEquals(finalWeights.get(name), training.weightsAt(30).get(name), name);
            }
            assertFalse(
                    Arrays.equals(
                            training.weightsAt(0).get("unembedding"),
                            training.weightsAt(30).get("unembedding")),
                    "training moved the weights");

            // Loading step 10's weights gives back step 10's measurements, recomputed by hand from the loss by
            // position.
            model.load(training.weightsAt(10));
            double[] byPosition = model.lossByPosition(nd, eval, HeadAblation.none());
            assertEquals(history.get(1).firstHalfLoss(), mean(byPosition, 0, T / 2), 1e-5);
            assertEquals(history.get(1).repeatedHalfLoss(), mean(byPosition, T / 2, T), 1e-5);
            assertTrue(
                    Math.abs(history.get(1).firstHalfLoss() - history.get(3).firstHalfLoss()) > 1e-4,
                    "steps 10 and 30 measured different weights");

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> training.weightsAt(5));
            assertTrue(e.getMessage().contains("step 5") && e.getMessage().contains("[0, 10, 20, 30]"), e.getMessage());
        }
    }

    @Test
    void theLastStepIsMeasuredEvenOffTheEvaluationGrid() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(MODEL, nd, 2)) {
            InductionTraining training = new InductionTraining(
                    model,
                    text(1, 200),
                    text(2, 200),
                    new RepeatedTokens(V, T, 2, 8),
                    new Config(6, 4, 0, 1e-3f, 4, 1));
            assertEquals(
                    List.of(0, 4, 6),
                    training.run(nd, 0).stream().map(Progress::step).toList());
        }
    }

    @Test
    void thePhaseChangeIsTheMiddleOfTheSteepestDropOfTheRepeatedHalfLoss() {
        List<Progress> history = new ArrayList<>();
        double[] losses = {4, 4, 3.9, 1.0, 0.8};
        for (int i = 0; i < losses.length; i++) history.add(progress(100 * i, losses[i]));
        assertEquals(250, InductionTraining.phaseChangeStep(history));
        // The steepest drop first: the middle of 0 and 100.
        assertEquals(
                50, InductionTraining.phaseChangeStep(List.of(progress(0, 4), progress(100, 1), progress(200, 0.9))));
        // Two measurements: their middle.
        assertEquals(15, InductionTraining.phaseChangeStep(List.of(progress(10, 4), progress(20, 3))));
    }

    @Test
    void thePhaseChangeNeedsTwoMeasurements() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> InductionTraining.phaseChangeStep(List.of(progress(0, 4))));
        assertTrue(e.getMessage().contains("at least two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InductionTraining.phaseChangeStep(List.of()));
    }

    @Test
    void theConfigRefusesBadValues() {
        new Config(1, 1, 0, 1e-3f, 1, 0);
        new Config(1, 1, 1, 0.1f, 1, 0);
        IllegalArgumentException below =
                assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, -0.1, 1e-3f, 5, 0));
        assertTrue(below.getMessage().contains("textFraction"), below.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, 1.1, 1e-3f, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, Double.NaN, 1e-3f, 5, 0));
        IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, 0.5, 0f, 5, 0));
        assertTrue(zero.getMessage().contains("learningRate"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, 0.5, -1e-3f, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Config(0, 8, 0.5, 1e-3f, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Config(10, 0, 0.5, 1e-3f, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Config(10, 8, 0.5, 1e-3f, 0, 0));
    }

    @Test
    void sequencesLongerThanTheContextAndTooShortTextsAreRefused() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(MODEL, nd, 1)) {
            Config config = new Config(10, 4, 0.5, 1e-3f, 5, 0);
            IllegalArgumentException longer = assertThrows(
                    IllegalArgumentException.class,
                    () -> new InductionTraining(
                            model, text(1, 200), text(2, 200), new RepeatedTokens(V, 20, 2, 8), config));
            assertTrue(longer.getMessage().contains("context of 16"), longer.getMessage());
            IllegalArgumentException shortText = assertThrows(
                    IllegalArgumentException.class,
                    () -> new InductionTraining(
                            model, text(1, T + 1), text(2, 200), new RepeatedTokens(V, T, 2, 8), config));
            assertTrue(shortText.getMessage().contains("longer than a sequence"), shortText.getMessage());
        }
    }
}

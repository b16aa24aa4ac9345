package fasttrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.eval.SequenceClassifier.Config;
import fasttrack.eval.SequenceClassifier.Trainable;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SequenceClassifierTest {

    private static final GptConfig TINY = new GptConfig(8, 16, 2, 2, 16, 0f, false);
    private static final int LENGTH = 8;

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(3);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private Config config(Trainable trainable, int steps) {
        return Config.defaults()
                .withLength(LENGTH)
                .withBatchSize(16)
                .withSteps(steps)
                .withLearningRate(1e-2f)
                .withTrainable(trainable);
    }

    /** Rows of tokens 3..7 with one marker somewhere: token 1 (label 0) or token 2 (label 1). */
    private static int[][] rows(int n, int[] labels, long seed) {
        Random random = new Random(seed);
        int[][] rows = new int[n][LENGTH];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < LENGTH; t++) rows[i][t] = 3 + random.nextInt(5);
            labels[i] = random.nextInt(2);
            rows[i][random.nextInt(LENGTH)] = 1 + labels[i];
        }
        return rows;
    }

    @Test
    void itLearnsWhichMarkerATextContains() {
        int[] labels = new int[256], testLabels = new int[200];
        int[][] train = rows(256, labels, 1), test = rows(200, testLabels, 2);
        try (SequenceClassifier classifier =
                new SequenceClassifier(new Gpt(TINY).initialize(nd), 2, config(Trainable.ALL, 80), nd)) {
            List<Double> losses = classifier.train(train, labels, null);
            assertEquals(80, losses.size());
            double accuracy =
                    Classification.of(testLabels, classifier.predict(test), 2).accuracy();
            assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy + ", losses " + losses.subList(70, 80));
            for (float[] row : classifier.probabilities(test)) assertEquals(1f, row[0] + row[1], 1e-5f);
        }
    }

    @Test
    void onlyTheChosenWeightsChange() {
        int[] labels = new int[64];
        int[][] rows = rows(64, labels, 1);
        for (Trainable trainable : List.of(Trainable.HEAD, Trainable.LAST_BLOCK)) {
            Gpt model = new Gpt(TINY).initialize(nd);
            try (SequenceClassifier classifier = new SequenceClassifier(model, 2, config(trainable, 3), nd)) {
                Map<String, float[]> before = weights(model);
                float[] head = classifier.headWeight().toFloatArray();
                classifier.train(rows, labels, null);
                Map<String, float[]> after = weights(model);
                for (String name : before.keySet()) {
                    boolean trains = trainable == Trainable.LAST_BLOCK
                            && (name.contains("block1_") || name.contains("finalNorm"));
                    assertEquals(
                            trains,
                            !java.util.Arrays.equals(before.get(name), after.get(name)),
                            trainable + ": " + name);
                }
                assertFalse(
                        java.util.Arrays.equals(head, classifier.headWeight().toFloatArray()),
                        trainable + ": the head trains");
                for (Pair<String, Parameter> p : model.getParameters())
                    assertTrue(p.getValue().requiresGradient(), "restored: " + p.getKey());
            }
        }
    }

    private static Map<String, float[]> weights(Gpt model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters())
            weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
        return weights;
    }

    @Test
    void fixedLengthKeepsTheFirstTokensOfLongEnoughTexts() {
        SequenceClassifier.Windows windows =
                SequenceClassifier.fixedLength(new int[][] {{1, 2, 3, 4}, {5, 6}, {7, 8, 9}}, 3);
        assertArrayEquals(new int[][] {{1, 2, 3}, {7, 8, 9}}, windows.ids());
        assertArrayEquals(new int[] {0, 2}, windows.kept());
        assertArrayEquals(new int[] {10, 30}, windows.select(new int[] {10, 20, 30}));
    }

    @Test
    void badInputIsRejectedWithAReason() {
        Gpt model = new Gpt(TINY).initialize(nd);
        try (SequenceClassifier classifier = new SequenceClassifier(model, 2, config(Trainable.HEAD, 1), nd)) {
            int[][] rows = {{3, 3, 3, 3, 3, 3, 3, 3}, {4, 4, 4, 4, 4, 4, 4, 4}};
            rejects("not a class in 0..1", () -> classifier.train(rows, new int[] {0, 2}, null));
            rejects("2 rows but 1 labels", () -> classifier.train(rows, new int[] {0}, null));
            rejects("no rows", () -> classifier.predict(new int[0][]));
            rejects("more than the model's context of 16", () -> classifier.predict(new int[][] {new int[17]}));
            rejects("the classifier reads 8", () -> classifier.predict(new int[][] {{3, 4}}));
            rejects(
                    "outside the model's vocabulary 0..7",
                    () -> classifier.predict(new int[][] {{3, 3, 3, 3, 3, 3, 3, 9}}));
        }
        rejects(
                "exceeds the model's context of 16",
                () -> new SequenceClassifier(model, 2, config(Trainable.HEAD, 1).withLength(17), nd));
        rejects("at least 2 classes", () -> new SequenceClassifier(model, 1, config(Trainable.HEAD, 1), nd));
    }

    private static void rejects(String message, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

package fasttrack.basics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import fasttrack.data.Dataset2d;
import fasttrack.data.DecisionBoundary;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.Test;

class PointClassifierTest {

    private static final Dataset2d MOONS = Dataset2d.moons(200, 0.1, 1);

    @Test
    void parameterCountIsTheSumOverLayers() {
        try (PointClassifier model = new PointClassifier(Setup.manager(), 1, 16, 8)) {
            assertEquals((2 + 1) * 16 + (16 + 1) * 8 + (8 + 1), model.parameterCount());
        }
    }

    @Test
    void adamLearnsTheMoons() {
        try (PointClassifier model = new PointClassifier(Setup.manager(), 1, 16, 16)) {
            LossCurve curve = model.fit(
                    MOONS,
                    Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(0.02f))
                            .build(),
                    300);
            assertFalse(curve.diverged());
            assertEquals(300, curve.values().length);
            assertTrue(curve.first() > 0.5 && curve.lastMean(10) < 0.1, curve.toString());
            assertTrue(model.accuracy(MOONS) > 0.97, "accuracy " + model.accuracy(MOONS));
            assertTrue(DecisionBoundary.of("adam", MOONS, model::probabilities).png().length > 1000);
        }
    }

    @Test
    void binaryCrossEntropyMatchesItsDefinition() {
        try (var m = Setup.manager().newSubManager()) {
            float[] z = {-3f, -0.5f, 0f, 2f, 40f}, y = {0f, 1f, 1f, 0f, 1f};
            double expected = 0;
            for (int i = 0; i < z.length; i++) {
                double p = 1 / (1 + Math.exp(-z[i]));
                expected -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p + 1e-300);
            }
            expected /= z.length;
            assertEquals(
                    expected,
                    PointClassifier.binaryCrossEntropy(m.create(z), m.create(y)).getFloat(),
                    1e-5);
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        double[] first, second;
        try (PointClassifier model = new PointClassifier(Setup.manager(), 5, 8)) {
            first = model.fit(
                            MOONS,
                            Optimizer.sgd()
                                    .setLearningRateTracker(Tracker.fixed(0.5f))
                                    .build(),
                            20)
                    .values();
        }
        try (PointClassifier model = new PointClassifier(Setup.manager(), 5, 8)) {
            second = model.fit(
                            MOONS,
                            Optimizer.sgd()
                                    .setLearningRateTracker(Tracker.fixed(0.5f))
                                    .build(),
                            20)
                    .values();
        }
        assertArrayEquals(first, second);
    }

    @Test
    void aHugeLearningRateDivergesAndStopsEarly() {
        try (PointClassifier model = new PointClassifier(Setup.manager(), 1, 16)) {
            LossCurve curve = model.fit(
                    MOONS,
                    Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1e6f)).build(),
                    200);
            assertTrue(curve.diverged() || curve.lastMean(10) > 1, curve.toString());
        }
    }

    @Test
    void badArgumentsAreExplained() {
        assertThrows(IllegalArgumentException.class, () -> new PointClassifier(Setup.manager(), 1));
        assertThrows(IllegalArgumentException.class, () -> new PointClassifier(Setup.manager(), 1, 0));
        try (PointClassifier model = new PointClassifier(Setup.manager(), 1, 4)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> model.fit(MOONS, Optimizer.adam().build(), 0));
        }
        assertThrows(IllegalArgumentException.class, () -> Dataset2d.moons(1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Dataset2d.circles(10, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dataset2d("x", new double[][] {{1, 2}}, new int[] {2}));
    }

    @Test
    void datasetsAreBalancedDeterministicAndShaped() {
        Dataset2d a = Dataset2d.circles(100, 0.05, 3), b = Dataset2d.circles(100, 0.05, 3);
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(50, java.util.Arrays.stream(a.labels()).sum());
        assertEquals(
                new ai.djl.ndarray.types.Shape(100, 2), a.x(Setup.manager()).getShape());
        assertEquals(
                new ai.djl.ndarray.types.Shape(100, 1), a.y(Setup.manager()).getShape());
        assertTrue(a.plot().png().length > 1000);
    }
}

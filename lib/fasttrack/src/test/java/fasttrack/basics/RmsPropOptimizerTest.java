package fasttrack.basics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fasttrack.data.Dataset2d;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.Test;

class RmsPropOptimizerTest {

    /** Two steps computed by hand: s1 = 0.1 g1², w1 = w0 - lr g1/(√s1+ε); s2 = 0.9 s1 + 0.1 g2², ... */
    @Test
    void updatesMatchTheFormula() {
        try (NDManager m = Setup.manager().newSubManager()) {
            NDArray w = m.create(new float[] {1f, -2f});
            RmsPropOptimizer opt = RmsPropOptimizer.builder()
                    .learningRate(0.1f)
                    .rho(0.9f)
                    .epsilon(1e-8f)
                    .build();
            double[] weight = {1, -2}, s = {0, 0};
            float[][] grads = {{0.5f, -1f}, {0.25f, 2f}};
            for (float[] g : grads) {
                opt.update("w", w, m.create(g));
                for (int i = 0; i < 2; i++) {
                    s[i] = 0.9 * s[i] + 0.1 * g[i] * g[i];
                    weight[i] -= 0.1 * g[i] / (Math.sqrt(s[i]) + 1e-8);
                }
            }
            float[] actual = w.toFloatArray();
            assertArrayEquals(new double[] {weight[0], weight[1]}, new double[] {actual[0], actual[1]}, 1e-5);
        }
    }

    @Test
    void trainsTheClassifier() {
        Dataset2d moons = Dataset2d.moons(200, 0.1, 2);
        try (PointClassifier model = new PointClassifier(Setup.manager(), 1, 16, 16)) {
            LossCurve curve = model.fit(
                    moons, RmsPropOptimizer.builder().learningRate(0.01f).build(), 300);
            assertTrue(curve.lastMean(10) < 0.1, curve.toString());
        }
    }

    @Test
    void badHyperParametersAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> RmsPropOptimizer.builder().learningRate(0));
        assertThrows(
                IllegalArgumentException.class, () -> RmsPropOptimizer.builder().rho(1));
        assertThrows(
                IllegalArgumentException.class, () -> RmsPropOptimizer.builder().epsilon(-1));
    }
}

package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        // sorted 1..5, h = q·4: q = 0.5 -> h = 2 -> 3; q = 0.1 -> h = 0.4 -> 1 + 0.4·(2 − 1) = 1.4;
        // q = 0.975 -> h = 3.9 -> 4.9; q = 0 and 1 -> the ends (as numpy.percentile's default).
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(3.0, Bootstrap.quantile(sorted, 0.5), 1e-15);
        assertEquals(1.4, Bootstrap.quantile(sorted, 0.1), 1e-15);
        assertEquals(4.9, Bootstrap.quantile(sorted, 0.975), 1e-15);
        assertEquals(1.0, Bootstrap.quantile(sorted, 0));
        assertEquals(5.0, Bootstrap.quantile(sorted, 1));
    }

    @Test
    void twoValuesGiveTheThreePossibleMeans() {
        // Resampling {0, 1} twice gives mean 0 (p = 1/4), 1/2 (p = 1/2) or 1 (p = 1/4): the 95% interval is [0, 1].
        var interval = Bootstrap.meanInterval(new double[] {0, 1}, 0.95, 10_000, 7);
        assertEquals(0.5, interval.mean());
        assertEquals(0.0, interval.lower());
        assertEquals(1.0, interval.upper());
        // A 40% interval (quantiles 0.3 and 0.7) stays inside the middle half: [1/2, 1/2].
        var narrow = Bootstrap.meanInterval(new double[] {0, 1}, 0.40, 10_000, 7);
        assertEquals(0.5, narrow.lower());
        assertEquals(0.5, narrow.upper());
    }

    @Test
    void identicalValuesHaveNoUncertainty() {
        var interval = Bootstrap.meanInterval(new double[] {2.5, 2.5, 2.5}, 0.95, 100, 1);
        assertEquals(2.5, interval.mean());
        assertEquals(0.0, interval.width());
    }

    @Test
    void theWidthMatchesTheNormalApproximation() {
        // 400 draws from N(3, 1): the mean's standard error is s/√400 ≈ 0.05, so a 95% interval is about
        // 2 · 1.96 · s/20 wide and contains the sample mean.
        Random random = new Random(42);
        double[] values = new double[400];
        for (int i = 0; i < values.length; i++) values[i] = 3 + random.nextGaussian();
        double mean = java.util.Arrays.stream(values).average().orElseThrow(), ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double standardError = Math.sqrt(ss / (values.length - 1)) / Math.sqrt(values.length);
        var interval = Bootstrap.meanInterval(values, 0.95, 4000, 1);
        assertEquals(mean, interval.mean(), 1e-12);
        assertTrue(interval.lower() < mean && mean < interval.upper(), interval.toString());
        assertEquals(
                2 * 1.959964 * standardError, interval.width(), 0.1 * interval.width(), "width " + interval.width());
    }

    @Test
    void theSeedMakesItRepeatable() {
        double[] values = {0.9, 1.3, 1.1, 0.7, 1.6, 1.2};
        assertEquals(Bootstrap.meanInterval(values, 0.9, 500, 3), Bootstrap.meanInterval(values, 0.9, 500, 3));
        assertNotEquals(Bootstrap.meanInterval(values, 0.9, 500, 3), Bootstrap.meanInterval(values, 0.9, 500, 4));
    }

    @Test
    void badInputIsRefused() {
        assertMessage("at least one value", () -> Bootstrap.meanInterval(new double[0], 0.95, 100, 1));
        assertMessage("values[1] = NaN", () -> Bootstrap.meanInterval(new double[] {1, Double.NaN}, 0.95, 100, 1));
        assertMessage("confidence must be in (0, 1)", () -> Bootstrap.meanInterval(new double[] {1}, 95, 100, 1));
        assertMessage("resamples must be at least 1", () -> Bootstrap.meanInterval(new double[] {1}, 0.95, 0, 1));
    }
}

package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    //  p(class 0, class 1)  truth  confidence  argmax  correct
    //  0.9  0.1             0      0.9         0       yes
    //  0.8  0.2             1      0.8         0       no
    //  0.4  0.6             1      0.6         1       yes
    //  0.5  0.5             0      0.5         0 (tie) yes
    //  0.3  0.7             0      0.7         1       no
    private static final float[][] P = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.4f, 0.6f}, {0.5f, 0.5f}, {0.3f, 0.7f}};
    private static final int[] TRUTH = {0, 1, 1, 0, 0};

    @Test
    void binsAndExpectedCalibrationErrorByHand() {
        var calibration = Calibration.of(P, TRUTH, 2);
        // Bins (0, 0.5] and (0.5, 1]: 0.5 sits in the first.
        // bin 0: {0.5}: confidence 0.5, accuracy 1, gap 0.5
        // bin 1: {0.9, 0.8, 0.6, 0.7}: confidence 3.0/4 = 0.75, accuracy 2/4 = 0.5, gap 0.25
        // ECE = 1/5 · 0.5 + 4/5 · 0.25 = 0.1 + 0.2 = 0.3
        List<Calibration.Bin> bins = calibration.bins();
        assertEquals(1, bins.get(0).count());
        assertEquals(0.5, bins.get(0).confidence(), 1e-7);
        assertEquals(1.0, bins.get(0).accuracy());
        assertEquals(4, bins.get(1).count());
        assertEquals(0.75, bins.get(1).confidence(), 1e-7);
        assertEquals(0.5, bins.get(1).accuracy());
        assertEquals(0.5, bins.get(1).lower());
        assertEquals(1.0, bins.get(1).upper());
        assertEquals(0.3, calibration.expectedCalibrationError(), 1e-7);
        // accuracy 3/5; mean confidence (0.9 + 0.8 + 0.6 + 0.5 + 0.7)/5 = 0.7: overconfident
        assertEquals(0.6, calibration.accuracy(), 1e-15);
        assertEquals(0.7, calibration.meanConfidence(), 1e-7);
    }

    @Test
    void torchmetricsMulticlassExample() {
        // torchmetrics multiclass_calibration_error docstring, n_bins=3, norm='l1' -> tensor(0.2000)
        // (github.com/Lightning-AI/torchmetrics, src/torchmetrics/functional/classification/calibration_error.py @
        // 660df0d).
        // By hand: confidences 0.55 (wrong), 0.55 (wrong), 0.60 (right) in (1/3, 2/3]: gap |1/3 - 0.5667| = 0.2333;
        // 0.90 (right) in (2/3, 1]: gap 0.1. ECE = 3/4 · 0.2333 + 1/4 · 0.1 = 0.2.
        float[][] p = {{0.25f, 0.20f, 0.55f}, {0.55f, 0.05f, 0.40f}, {0.10f, 0.30f, 0.60f}, {0.90f, 0.05f, 0.05f}};
        var calibration = Calibration.of(p, new int[] {0, 1, 2, 0}, 3);
        assertEquals(0.2, calibration.expectedCalibrationError(), 1e-6);
        assertEquals(0, calibration.bins().get(0).count(), "an empty bin adds nothing");
        assertEquals(0.2333, calibration.bins().get(1).gap(), 1e-4); // norm='max' -> tensor(0.2333)
    }

    @Test
    void aCalibratedModelHasZeroError() {
        // Four predictions at 0.75, three right: accuracy = confidence = 0.75 in their bin.
        float[][] p = {{0.75f, 0.25f}, {0.75f, 0.25f}, {0.75f, 0.25f}, {0.75f, 0.25f}};
        var calibration = Calibration.of(p, new int[] {0, 0, 0, 1}, 10);
        assertEquals(0.0, calibration.expectedCalibrationError(), 1e-15);
        assertEquals(4, calibration.bins().get(7).count(), "0.75 lies in (0.7, 0.8]");
    }

    @Test
    void binEdgesBelongToTheLowerBin() {
        assertEquals(0, Calibration.bin(0.0, 10), "0 joins the first bin");
        assertEquals(0, Calibration.bin(0.1, 10));
        assertEquals(1, Calibration.bin(Math.nextUp(0.1), 10), "just above 0.1");
        assertEquals(2, Calibration.bin(0.3, 10), "0.3 is in (0.2, 0.3]");
        assertEquals(9, Calibration.bin(1.0, 10));
        assertEquals(3, Calibration.bin(0.3f, 10), "0.3f widens to 0.30000001..., just above 0.3");
    }

    @Test
    void brierScoreAndNegativeLogLikelihoodByHand() {
        // Brier: (0.1² + 0.1²) + (0.8² + 0.8²) + (0.4² + 0.4²) + (0.5² + 0.5²) + (0.7² + 0.7²)
        //      = 0.02 + 1.28 + 0.32 + 0.5 + 0.98 = 3.1, / 5 = 0.62
        assertEquals(0.62, Calibration.brierScore(P, TRUTH), 1e-6);
        // NLL: -(ln 0.9 + ln 0.2 + ln 0.6 + ln 0.5 + ln 0.3) / 5 = 0.824549...
        double nll = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.5) + Math.log(0.3)) / 5;
        assertEquals(nll, Calibration.negativeLogLikelihood(P, TRUTH), 1e-6);
        // Uniform over K = 4 classes: Brier 1 - 1/4, NLL ln 4.
        float[][] uniform = {{0.25f, 0.25f, 0.25f, 0.25f}};
        assertEquals(0.75, Calibration.brierScore(uniform, new int[] {2}), 1e-15);
        assertEquals(Math.log(4), Calibration.negativeLogLikelihood(uniform, new int[] {2}), 1e-15);
    }

    @Test
    void theBrierScoreIsExactForTheFloatsGiven() {
        // 0.1f is 0.100000001490116..., so p − 1 = −0.899999998509883...: exact in double, but float arithmetic
        // rounds it to −0.9f = −0.899999976158142..., 2.2e-8 off, and its square 4e-8 off.
        float[][] p = {{0.1f, 0.9f}, {0.7f, 0.3f}};
        int[] truth = {0, 1};
        double exact = exactBrier(p, truth);
        double inFloat = 0;
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < p[i].length; k++) {
                float d = p[i][k] - (k == truth[i] ? 1 : 0);
                inFloat += (double) d * d;
            }
        }
        inFloat /= p.length;
        assertTrue(
                Math.abs(inFloat - exact) > 1e-9,
                "the case must tell float from double subtraction: " + inFloat + " vs " + exact);
        assertEquals(exact, Calibration.brierScore(p, truth), 1e-15);
    }

    /** The mean of Σ_k (p_k − y_k)² over the floats' exact values, rounded to double once. */
    private static double exactBrier(float[][] p, int[] truth) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < p[i].length; k++) {
                BigDecimal d = new BigDecimal(p[i][k]).subtract(k == truth[i] ? BigDecimal.ONE : BigDecimal.ZERO);
                sum = sum.add(d.multiply(d));
            }
        }
        return sum.divide(BigDecimal.valueOf(p.length), MathContext.DECIMAL128).doubleValue();
    }

    @Test
    void badProbabilitiesAreRefusedWithAHint() {
        assertMessage(
                "row 1 sums to",
                () -> Calibration.of(new float[][] {{0.5f, 0.5f}, {0.6f, 0.6f}}, new int[] {0, 1}, 10));
        assertMessage(
                "apply softmax to logits first", () -> Calibration.of(new float[][] {{2f, -1f}}, new int[] {0}, 10));
        assertMessage(
                "must be >= 0 and not NaN", () -> Calibration.of(new float[][] {{1.5f, -0.5f}}, new int[] {0}, 10));
        assertMessage("not NaN", () -> Calibration.brierScore(new float[][] {{Float.NaN, 1f}}, new int[] {0}));
        assertMessage(
                "2 rows of probabilities but 1 true labels",
                () -> Calibration.of(new float[][] {{1f, 0f}, {0f, 1f}}, new int[] {0}, 10));
        assertMessage(
                "row 1 has 3 probabilities, row 0 has 2",
                () -> Calibration.of(new float[][] {{1f, 0f}, {1f, 0f, 0f}}, new int[] {0, 0}, 10));
        assertMessage(
                "truth[0] = 2 is not a class in 0..1",
                () -> Calibration.negativeLogLikelihood(new float[][] {{1f, 0f}}, new int[] {2}));
        assertMessage("bins must be at least 1", () -> Calibration.of(P, TRUTH, 0));
        assertMessage("no items", () -> Calibration.of(new float[0][], new int[0], 10));
        // Within the tolerance of 1e-3 a row is accepted.
        assertEquals(
                1,
                Calibration.of(new float[][] {{0.6f, 0.3995f}}, new int[] {0}, 10)
                        .size());
    }

    @Test
    void theReliabilityDiagramHasBothSeries() {
        var chart = (org.knowm.xchart.CategoryChart)
                Calibration.of(P, TRUTH, 5).plot("reliability").chart();
        assertEquals(2, chart.getSeriesMap().size());
    }
}

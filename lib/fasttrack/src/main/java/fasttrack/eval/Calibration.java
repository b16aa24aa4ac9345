package fasttrack.eval;

import fasttrack.plot.Figure;
import fasttrack.plot.Plots;
import java.util.ArrayList;
import java.util.List;

/**
 * Is a model as sure as it is right? Each prediction's confidence is its largest probability and
 * it is correct when that class (the argmax) is the true one. Confidences are grouped into B
 * equal-width bins, bin m covering ((m−1)/B, m/B] (the first also takes 0), and
 * <pre>
 *   ECE = Σ_m (n_m / N) · | accuracy_m − confidence_m |
 * </pre>
 * with accuracy_m and confidence_m the mean correctness and mean confidence of the n_m predictions
 * in bin m (Naeini, Cooper and Hauskrecht 2015; Guo, Pleiss, Sun and Weinberger 2017, "On
 * Calibration of Modern Neural Networks"). A perfectly calibrated model is right 80% of the times
 * it says 0.8, so every bin sits on the diagonal of the reliability diagram and ECE = 0.
 * Ties for the largest probability go to the lowest class index; a float confidence is binned as
 * the double it widens to (0.3f is 0.30000001…, just above 0.3).
 */
public final class Calibration {

    /** Rows must sum to 1 within this much. */
    public static final double SUM_TOLERANCE = 1e-3;

    /**
     * One bin of the reliability diagram; an empty bin has count 0 and confidence and accuracy 0.
     *
     * @param lower exclusive (inclusive for the first bin)
     * @param upper inclusive
     */
    public record Bin(double lower, double upper, int count, double confidence, double accuracy) {
        /** |accuracy − confidence|: how far this bin is from the diagonal. */
        public double gap() {
            return Math.abs(accuracy - confidence);
        }
    }

    private final List<Bin> bins;
    private final int n;
    private final double accuracy, meanConfidence;

    private Calibration(List<Bin> bins, int n, double accuracy, double meanConfidence) {
        this.bins = bins;
        this.n = n;
        this.accuracy = accuracy;
        this.meanConfidence = meanConfidence;
    }

    /** Bins the predictions of {@code probabilities} (one row per item, one column per class) against {@code truth}. */
    public static Calibration of(float[][] probabilities, int[] truth, int bins) {
        if (bins < 1) throw new IllegalArgumentException("bins must be at least 1, got " + bins);
        requireDistributions(probabilities, truth);
        int[] count = new int[bins];
        double[] confidenceSum = new double[bins], correctSum = new double[bins];
        double totalConfidence = 0, totalCorrect = 0;
        for (int i = 0; i < probabilities.length; i++) {
            int predicted = argmax(probabilities[i]);
            double confidence = probabilities[i][predicted];
            int correct = predicted == truth[i] ? 1 : 0;
            int b = bin(confidence, bins);
            count[b]++;
            confidenceSum[b] += confidence;
            correctSum[b] += correct;
            totalConfidence += confidence;
            totalCorrect += correct;
        }
        List<Bin> list = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double confidence = count[b] == 0 ? 0 : confidenceSum[b] / count[b],
                    accuracy = count[b] == 0 ? 0 : correctSum[b] / count[b];
            list.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], confidence, accuracy));
        }
        int n = probabilities.length;
        return new Calibration(List.copyOf(list), n, totalCorrect / n, totalConfidence / n);
    }

    /** The bin of a confidence c: the m with m/B < c <= (m+1)/B, compared on the same doubles the bins report. */
    static int bin(double confidence, int bins) {
        int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(confidence * bins) - 1));
        while (b > 0 && confidence <= (double) b / bins) b--; // undo rounding up of c·B
        while (b < bins - 1 && confidence > (double) (b + 1) / bins) b++; // undo rounding down
        return b;
    }

    public List<Bin> bins() {
        return bins;
    }

    /** Expected calibration error: Σ_m (n_m / N) · |accuracy_m − confidence_m|, in [0, 1]. */
    public double expectedCalibrationError() {
        double ece = 0;
        for (Bin bin : bins) ece += (double) bin.count() / n * bin.gap();
        return ece;
    }

    /** Fraction of items whose argmax is the true class. */
    public double accuracy() {
        return accuracy;
    }

    /** Mean confidence: above {@link #accuracy()} means overconfident. */
    public double meanConfidence() {
        return meanConfidence;
    }

    public int size() {
        return n;
    }

    /** The reliability diagram: per bin, accuracy beside mean confidence (equal bars mean calibrated). */
    public Figure plot(String title) {
        List<String> labels = bins.stream()
                .map(b -> String.format("%.2f-%.2f", b.lower(), b.upper()))
                .toList();
        Figure figure = Plots.bar(
                String.format("%s (ECE %.4f)", title, expectedCalibrationError()),
                "confidence bin",
                "accuracy",
                labels,
                bins.stream().mapToDouble(Bin::accuracy).toArray());
        var chart = (org.knowm.xchart.CategoryChart) figure.chart();
        chart.addSeries(
                "mean confidence", labels, bins.stream().map(Bin::confidence).toList());
        chart.getStyler().setLegendVisible(true);
        return figure;
    }

    /**
     * The Brier score (Brier 1950) for several classes: the mean over items of Σ_k (p_k − y_k)²,
     * y the one-hot truth. 0 is perfect; always predicting uniform over K classes scores 1 − 1/K.
     * Computed in double from the floats' exact values: p − 1 in float arithmetic would round (0.1f − 1 to −0.9f,
     * 2.2e-8 off).
     */
    public static double brierScore(float[][] probabilities, int[] truth) {
        requireDistributions(probabilities, truth);
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            for (int k = 0; k < probabilities[i].length; k++) {
                double d = (double) probabilities[i][k] - (k == truth[i] ? 1 : 0);
                sum += d * d;
            }
        }
        return sum / probabilities.length;
    }

    /** Negative log-likelihood: the mean over items of −ln p_truth, in nats (infinite if a true class has p = 0). */
    public static double negativeLogLikelihood(float[][] probabilities, int[] truth) {
        requireDistributions(probabilities, truth);
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) sum -= Math.log(probabilities[i][truth[i]]);
        return sum / probabilities.length;
    }

    private static void requireDistributions(float[][] probabilities, int[] truth) {
        if (probabilities == null || truth == null)
            throw new IllegalArgumentException("probabilities and truth must not be null");
        if (probabilities.length != truth.length) {
            throw new IllegalArgumentException(probabilities.length + " rows of probabilities but " + truth.length
                    + " true labels: give one row per item");
        }
        if (probabilities.length == 0)
            throw new IllegalArgumentException("no items: give at least one row of probabilities");
        int classes = probabilities[0] == null ? 0 : probabilities[0].length;
        for (int i = 0; i < probabilities.length; i++) {
            float[] row = probabilities[i];
            if (row == null || row.length != classes || classes == 0) {
                throw new IllegalArgumentException("row " + i + " has " + (row == null ? 0 : row.length)
                        + " probabilities, row 0 has " + classes + ": every row needs one probability per class");
            }
            double sum = 0;
            for (float p : row) {
                if (!(p >= 0))
                    throw new IllegalArgumentException("row " + i + " has probability " + p
                            + ": probabilities must be >= 0 and not NaN" + " (apply softmax to logits first)");
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("row " + i + " sums to " + sum + ", not 1 (tolerance "
                        + SUM_TOLERANCE + "): apply softmax to logits first");
            }
            if (truth[i] < 0 || truth[i] >= classes) {
                throw new IllegalArgumentException(
                        "truth[" + i + "] = " + truth[i] + " is not a class in 0.." + (classes - 1));
            }
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
        return best;
    }
}

package fasttrack.eval;

import java.util.Arrays;
import java.util.Random;

/**
 * How sure is a mean measured on a sample (a validation loss averaged over batches, an accuracy
 * over items)? The percentile bootstrap (Efron 1979; Efron and Tibshirani 1993, ch. 13) draws B
 * resamples of the n values with replacement, takes each one's mean, and reports the α/2 and
 * 1 − α/2 quantiles of those B means as the interval, α = 1 − confidence.
 * <p>
 * The quantile of the sorted means m_(0) ≤ … ≤ m_(B−1) at q is read at position h = q·(B − 1),
 * linearly between its neighbours (NumPy's default, Hyndman and Fan's type 7). The interval is
 * about the items' spread; it assumes they are independent, so per-batch values of overlapping
 * or correlated batches make it too narrow.
 */
public final class Bootstrap {

    /**
     * A mean and its percentile interval.
     *
     * @param mean       the mean of the values themselves (not of the resamples)
     * @param lower      the α/2 quantile of the resampled means
     * @param upper      the 1 − α/2 quantile
     * @param confidence 1 − α, e.g. 0.95
     * @param resamples  B
     */
    public record Interval(double mean, double lower, double upper, double confidence, int resamples) {
        public double width() {
            return upper - lower;
        }

        @Override
        public String toString() {
            return String.format(
                    "%.4f (%.0f%% interval %.4f .. %.4f, %d resamples)",
                    mean, 100 * confidence, lower, upper, resamples);
        }
    }

    private Bootstrap() {}

    /** The mean of {@code values} with a percentile bootstrap interval from {@code resamples} draws seeded by {@code seed}. */
    public static Interval meanInterval(double[] values, double confidence, int resamples, long seed) {
        if (values == null || values.length == 0) throw new IllegalArgumentException("give at least one value");
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i]))
                throw new IllegalArgumentException("values[" + i + "] = " + values[i] + ": every value must be finite");
        }
        if (!(confidence > 0 && confidence < 1))
            throw new IllegalArgumentException("confidence must be in (0, 1), e.g. 0.95, got " + confidence);
        if (resamples < 1)
            throw new IllegalArgumentException(
                    "resamples must be at least 1 (1000 or more is usual), got " + resamples);
        int n = values.length;
        Random random = new Random(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[random.nextInt(n)];
            means[b] = sum / n;
        }
        Arrays.sort(means);
        double alpha = 1 - confidence;
        return new Interval(
                Arrays.stream(values).sum() / n,
                quantile(means, alpha / 2),
                quantile(means, 1 - alpha / 2),
                confidence,
                resamples);
    }

    /** The q-quantile of sorted values, linear between order statistics (type 7). */
    static double quantile(double[] sorted, double q) {
        double h = q * (sorted.length - 1);
        int below = (int) Math.floor(h);
        if (below >= sorted.length - 1) return sorted[sorted.length - 1];
        return sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
    }
}

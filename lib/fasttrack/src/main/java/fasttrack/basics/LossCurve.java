package fasttrack.basics;

import java.util.Arrays;

/**
 * The loss after every training step. A run whose loss stopped being a finite number has
 * diverged; training stops there, so {@link #values()} holds only the finite losses before it.
 *
 * @param divergedAt the step whose loss was not finite, or -1
 */
public record LossCurve(double[] values, int divergedAt) {

    public boolean diverged() {
        return divergedAt >= 0;
    }

    public double first() {
        return values[0];
    }

    public double last() {
        return values[values.length - 1];
    }

    /** The mean of the last {@code n} losses: less noisy than the last one alone. */
    public double lastMean(int n) {
        int from = Math.max(0, values.length - n);
        return Arrays.stream(values, from, values.length).average().orElse(Double.NaN);
    }

    /** Step numbers 1..n, the x axis of a loss plot. */
    public double[] steps() {
        double[] steps = new double[values.length];
        for (int i = 0; i < steps.length; i++) steps[i] = i + 1;
        return steps;
    }

    @Override
    public String toString() {
        String summary = values.length + " steps, loss " + String.format("%.4f", first()) + " -> "
                + String.format("%.4f", last());
        return diverged() ? summary + ", diverged at step " + (divergedAt + 1) : summary;
    }
}

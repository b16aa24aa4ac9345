package fasttrack.train;

/**
 * Linear warm-up to {@code maxLr} over {@code warmupSteps}, then a cosine decay to {@code minLr} at
 * {@code totalSteps}, flat after. Warm-up keeps Adam's first, noisy steps small; the decay lets the
 * model settle into a minimum at the end.
 */
public record LearningRateSchedule(float maxLr, float minLr, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (!(maxLr > 0) || Float.isInfinite(maxLr))
            throw new IllegalArgumentException("maxLr must be > 0, got " + maxLr);
        if (!(minLr >= 0 && minLr <= maxLr))
            throw new IllegalArgumentException("minLr must be in [0, maxLr], got " + minLr);
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(
                    "need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got " + warmupSteps + ", " + totalSteps);
        }
    }

    /** The learning rate for step {@code step} (0-based). */
    public float at(int step) {
        if (step < warmupSteps) return maxLr * (step + 1) / warmupSteps;
        if (step >= totalSteps) return minLr;
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return (float) (minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}

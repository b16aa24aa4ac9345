package fasttrack.scale;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.train.GptTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chinchilla's IsoFLOP experiment: for each compute budget C, train models of several sizes, each for
 * as many steps as C buys it (a bigger model sees fewer tokens), with a learning-rate schedule
 * stretched to that length (warm-up 10%, cosine to a tenth), and record the validation loss. Plotted
 * against size, each budget's losses form a valley whose bottom is the compute-optimal model for that
 * budget. As in the paper, each budget trains the sizes around where its valley lies.
 */
public final class IsoFlopSweep {

    /**
     * @param batchSize   sequences of blockSize tokens per step
     * @param minSteps    the fewest steps a run may have (fewer cannot warm up and decay)
     * @param maxLr       peak learning rate (after warm-up)
     * @param evalBatches validation batches for the final loss
     * @param seed        weights and batch order (the same for every run)
     */
    public record Settings(int batchSize, int minSteps, float maxLr, int evalBatches, long seed) {
        public Settings {
            if (batchSize < 1 || minSteps < 1 || evalBatches < 1) {
                throw new IllegalArgumentException("batchSize, minSteps and evalBatches must be >= 1, got " + batchSize
                        + ", " + minSteps + ", " + evalBatches);
            }
            if (!(maxLr > 0) || Float.isInfinite(maxLr))
                throw new IllegalArgumentException("maxLr must be > 0, got " + maxLr);
        }
    }

    /** A compute budget in FLOPs and the model sizes to train with it. */
    public record Budget(double flops, List<GptConfig> models) {
        public Budget {
            if (!(flops > 0) || Double.isInfinite(flops))
                throw new IllegalArgumentException("a budget must be a positive number of FLOPs, got " + flops);
            if (models.isEmpty()) throw new IllegalArgumentException("a budget needs at least one model to train");
            models = List.copyOf(models);
        }
    }

    /** One training run: its budget, model, length and result. */
    public record Run(
            double budget,
            GptConfig model,
            long parameters,
            int steps,
            long tokens,
            double flops,
            double validationLoss,
            double seconds) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "C=%.1e  N=%,d  %d steps  D=%,d tokens  loss %.4f  %.1f s",
                    budget,
                    parameters,
                    steps,
                    tokens,
                    validationLoss,
                    seconds);
        }
    }

    private IsoFlopSweep() {}

    /** The steps {@code budget} FLOPs buy {@code model} at {@code batchSize} sequences per step. */
    public static int steps(double budget, GptConfig model, int batchSize) {
        double steps = Math.floor(budget / TransformerFlops.trainingStep(model, batchSize));
        return steps > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) steps;
    }

    /**
     * Checks the whole sweep before anything trains: at least one budget, one context length for every
     * model, and every run given at least {@code minSteps} steps.
     */
    public static void validate(List<Budget> plan, Settings settings) {
        if (plan.isEmpty()) throw new IllegalArgumentException("the sweep needs at least one budget");
        int block = plan.get(0).models().get(0).blockSize();
        for (Budget budget : plan) {
            for (GptConfig m : budget.models()) {
                if (m.blockSize() != block)
                    throw new IllegalArgumentException(
                            "every model must read the same context, got " + block + " and " + m.blockSize());
                int steps = steps(budget.flops(), m, settings.batchSize());
                if (steps < settings.minSteps()) {
                    double needed = settings.minSteps() * TransformerFlops.trainingStep(m, settings.batchSize());
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "a budget of %.2e FLOPs buys the model with %,d parameters (%d layers, C = %d) only %d steps of %d tokens, fewer than %d:"
                                    + " raise the budget to at least %.2e FLOPs or drop that model",
                            budget.flops(),
                            m.parameterCount(),
                            m.layers(),
                            m.embedDim(),
                            steps,
                            settings.batchSize() * m.blockSize(),
                            settings.minSteps(),
                            needed));
                }
            }
        }
    }

    /** Trains every budget's models; {@code progress} hears about each run as it finishes. */
    public static List<Run> run(
            List<Budget> plan,
            int[] train,
            int[] validation,
            Settings settings,
            NDManager manager,
            Consumer<Run> progress) {
        validate(plan, settings);
        List<Run> runs = new ArrayList<>();
        for (Budget budget : plan) {
            for (GptConfig config : budget.models()) {
                Run run = train(budget.flops(), config, train, validation, settings, manager);
                runs.add(run);
                if (progress != null) progress.accept(run);
            }
        }
        return runs;
    }

    private static Run train(
            double budget, GptConfig config, int[] train, int[] validation, Settings s, NDManager manager) {
        int steps = steps(budget, config, s.batchSize());
        GptTrainer.Config schedule = GptTrainer.Config.defaults(steps)
                .withBatchSize(s.batchSize())
                .withLearningRate(s.maxLr(), s.maxLr() / 10)
                .withWarmup(Math.max(1, steps / 10))
                .withEvaluation(steps, s.evalBatches())
                .withSeed(s.seed());
        try (NDManager scope = manager.newSubManager()) {
            Setup.seed(s.seed());
            Gpt model = new Gpt(config).initialize(scope);
            try (GptTrainer trainer = new GptTrainer(model, train, validation, schedule, scope)) {
                trainer.train(null);
                long tokens = (long) steps * s.batchSize() * config.blockSize();
                return new Run(
                        budget,
                        config,
                        config.parameterCount(),
                        steps,
                        tokens,
                        TransformerFlops.training(config, tokens),
                        trainer.history().lastEvaluation().validationLoss(),
                        trainer.history().trainingSeconds());
            }
        }
    }
}

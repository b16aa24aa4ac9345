package fasttrack.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.train.GptTrainer;
import fasttrack.train.KjvGpt;
import fasttrack.train.TrainingHistory;
import java.util.List;
import java.util.Locale;

/**
 * Notebook 10's recipe against its alternatives, at its length (600 steps): dropout 0.1 against none,
 * and other peak learning rates and schedules, each from notebook 10's initial weights and from another
 * seed's, on the same batches.
 * Prints the validation loss at every evaluation. Losses, not timings: a rerun on the same machine gives
 * the same numbers. Run with {@code lib/bin/benchmark --recipes} (each run takes a few minutes).
 */
public final class RecipeComparison {

    /** One variant of the recipe: dropout, then the schedule's peak and floor learning rates and warm-up. */
    record Variant(String name, float dropout, float maxLr, float minLr, int warmup) {
        GptTrainer.Config training() {
            return KjvGpt.training().withLearningRate(maxLr, minLr).withWarmup(warmup);
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("notebook 10: no dropout, 2e-3 → 2e-4 cosine", 0f, 2e-3f, 2e-4f, 60),
            new Variant("dropout 0.1, 2e-3 → 2e-4 cosine", 0.1f, 2e-3f, 2e-4f, 60),
            new Variant("no dropout, 1e-3 constant", 0f, 1e-3f, 1e-3f, 0),
            new Variant("no dropout, 1e-3 → 1e-4 cosine", 0f, 1e-3f, 1e-4f, 60),
            new Variant("no dropout, 3e-3 → 3e-4 cosine", 0f, 3e-3f, 3e-4f, 60));

    private RecipeComparison() {}

    public static void main(String[] args) {
        KjvGpt.Data data = KjvGpt.data();
        System.out.println("validation loss at each evaluation, "
                + KjvGpt.training().totalSteps() + " steps, initial weights from seeds " + KjvGpt.INIT_SEED
                + " (notebook 10's) and 7, the same batches");
        for (Variant v : VARIANTS) {
            for (int seed : new int[] {KjvGpt.INIT_SEED, 7}) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    Engine.getInstance().setRandomSeed(seed);
                    Gpt model =
                            new Gpt(KjvGpt.config(data.chars().vocabSize()).withDropout(v.dropout())).initialize(scope);
                    try (GptTrainer trainer =
                            new GptTrainer(model, data.train(), data.validation(), v.training(), scope)) {
                        TrainingHistory history = trainer.train(null);
                        StringBuilder line =
                                new StringBuilder(String.format(Locale.ROOT, "%-46s seed %2d:", v.name(), seed));
                        for (TrainingHistory.Evaluation e : history.evaluations()) {
                            line.append(String.format(Locale.ROOT, "  %d: %.3f", e.step(), e.validationLoss()));
                        }
                        System.out.println(line);
                    }
                }
            }
        }
    }
}

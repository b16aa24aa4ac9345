package fasttrack.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.TransformerBlock;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.LearningRateSchedule;
import fasttrack.train.TrainingHistory;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the SFT and DPO trainers share: the model's trainable weights grouped by where they sit
 * (embeddings, each block, the rest), a batch drawn from (seed, step), and a {@link TrainingStep} of
 * the trainer's loss over the weights the {@link Unfreezing} policy allows at this step. The
 * gradients of weights not updated this step are cleared, so nothing accumulates while frozen.
 */
public abstract class PostTraining implements AutoCloseable {

    /** Batch size, length of the run, schedule, regularisation and seed. */
    public record Config(
            int batchSize,
            int steps,
            float maxLr,
            float minLr,
            int warmupSteps,
            float weightDecay,
            float gradClip,
            long seed) {
        public Config {
            if (batchSize < 1 || steps < 1)
                throw new IllegalArgumentException("batchSize and steps must be >= 1, got " + batchSize + ", " + steps);
            if (!(gradClip >= 0) || !(weightDecay >= 0))
                throw new IllegalArgumentException("gradClip and weightDecay must be >= 0");
            new LearningRateSchedule(maxLr, minLr, warmupSteps, steps); // validates the schedule
        }

        /** Batch 16, learning rate {@code maxLr} with 10% warm-up and cosine decay to a tenth, weight decay 0, clipping at 1. */
        public static Config of(int steps, float maxLr) {
            return new Config(16, steps, maxLr, maxLr / 10, Math.max(1, steps / 10), 0f, 1f, 7);
        }

        public Config withBatchSize(int batchSize) {
            return new Config(batchSize, steps, maxLr, minLr, warmupSteps, weightDecay, gradClip, seed);
        }
    }

    protected final Gpt model;
    protected final Config config;
    protected final NDManager manager;
    private final Unfreezing unfreezing;
    private final LearningRateSchedule schedule;
    private final AdamW optimizer;
    private final TrainingStep steps;
    private final Map<String, NDArray> trainable;
    private final Map<NDArray, Integer> group = new IdentityHashMap<>(); // −1 embeddings, i block i, layers the rest
    protected int step;

    PostTraining(Gpt model, Config config, Unfreezing unfreezing, NDManager parent) {
        this.model = model;
        this.config = config;
        this.unfreezing = unfreezing;
        this.manager = parent.newSubManager();
        this.schedule = new LearningRateSchedule(config.maxLr(), config.minLr(), config.warmupSteps(), config.steps());
        this.optimizer = AdamW.gpt(manager, config.weightDecay());
        this.steps = new TrainingStep(optimizer, config.gradClip());
        List<TransformerBlock> blocks = model.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            for (Pair<String, Parameter> p : blocks.get(i).getParameters())
                group.put(p.getValue().getArray(), i);
        }
        // A tied output head is the token table: it trains with the head, always, not with the embeddings.
        if (!model.config().tieWeights()) group.put(model.tokenEmbeddings(), -1);
        group.put(model.positionEmbeddings(), -1);
        this.trainable = model.trainableWeights();
        if (trainable.isEmpty())
            throw new IllegalArgumentException("every parameter of the model is frozen: there is nothing to train");
    }

    public int step() {
        return step;
    }

    /** The weights this step may change, by name. */
    protected Map<String, NDArray> updatable(int step) {
        int layers = model.config().layers(), from = layers - unfreezing.blocks(step, layers);
        boolean embeddings = unfreezing.embeddings(step, layers);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            int g = group.getOrDefault(e.getValue(), layers);
            if (g == -1 ? embeddings : g >= from) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The number of weights this step may change. */
    public long updatableParameters() {
        return updatable(step).values().stream().mapToLong(NDArray::size).sum();
    }

    /** Indices of the examples in the batch for {@code step}: random, fixed by seed and step. */
    protected int[] batchIndices(int size) {
        Random random = TrainingStep.batchRandom(config.seed(), step);
        int[] picked = new int[config.batchSize()];
        for (int i = 0; i < picked.length; i++) picked[i] = random.nextInt(size);
        return picked;
    }

    /**
     * One {@link TrainingStep} of {@code loss} over the weights this step may change; the others'
     * gradients, filled by the same backward, are dropped. Advances the step; returns its record.
     */
    protected TrainingHistory.Step runStep(TrainingStep.Loss loss) {
        if (step >= config.steps())
            throw new IllegalStateException("the run has ended after " + config.steps() + " steps");
        Map<String, NDArray> updatable = updatable(step);
        TrainingHistory.Step done = steps.run(manager, config.seed(), step, schedule.at(step), updatable, loss);
        List<NDArray> frozen = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : trainable.entrySet())
            if (!updatable.containsKey(e.getKey())) frozen.add(e.getValue());
        if (!frozen.isEmpty()) {
            try (NDManager scope = manager.newSubManager()) {
                GptTrainer.clearGradients(frozen, scope);
            }
        }
        step++;
        return done;
    }

    protected static <T> List<T> pick(List<T> all, int[] indices) {
        List<T> out = new ArrayList<>();
        for (int i : indices) out.add(all.get(i));
        return out;
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}

package fasttrack.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.show.ProgressBar;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a {@link Gpt} to predict the next token: AdamW, warm-up + cosine learning rate, gradient
 * clipping by global norm, evaluation on fixed train and validation batches every few steps, and
 * checkpoints that resume exactly (same batches, same dropout masks, same optimizer state). A step
 * whose loss or gradients are not finite is skipped and recorded (its gradient norm is not finite in
 * the history); a run of them fails as divergence ({@link TrainingStep}).
 * Frozen weights (a LoRA model's base) are neither updated nor given optimizer state.
 *
 * <p>Every step runs in its own NDManager, closed at the end of the step, so native memory stays
 * flat however long training runs.
 */
public final class GptTrainer implements AutoCloseable {

    /**
     * @param batchSize   sequences per step
     * @param totalSteps  length of the run (the schedule decays to minLr there)
     * @param evalEvery   evaluate every this many steps (and at the end)
     * @param evalBatches batches per evaluation, the same ones every time
     * @param gradClip    the largest global gradient norm allowed (0: no clipping)
     */
    public record Config(
            int batchSize,
            int totalSteps,
            float maxLr,
            float minLr,
            int warmupSteps,
            float weightDecay,
            float gradClip,
            int evalEvery,
            int evalBatches,
            long seed) {
        public Config {
            if (batchSize < 1 || totalSteps < 1 || evalEvery < 1 || evalBatches < 1) {
                throw new IllegalArgumentException("batchSize, totalSteps, evalEvery and evalBatches must be >= 1");
            }
            if (!(gradClip >= 0) || !(weightDecay >= 0))
                throw new IllegalArgumentException("gradClip and weightDecay must be >= 0");
            new LearningRateSchedule(maxLr, minLr, warmupSteps, totalSteps); // validates the schedule
        }

        /** nanoGPT-like defaults for a small model: batch 32, lr 1e-3 → 1e-4, 10% warm-up, decay 0.1, clip 1. */
        public static Config defaults(int totalSteps) {
            return new Config(
                    32,
                    totalSteps,
                    1e-3f,
                    1e-4f,
                    Math.max(1, totalSteps / 10),
                    0.1f,
                    1f,
                    Math.max(1, totalSteps / 10),
                    10,
                    1337);
        }

        // Named changes, so a run reads as "defaults(600).withLearningRate(2e-3f, 2e-4f).withWarmup(60)"
        // instead of ten positional numbers.

        public Config withBatchSize(int batchSize) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }

        /** The peak rate after warm-up and the floor the cosine decays to. */
        public Config withLearningRate(float maxLr, float minLr) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }

        public Config withWarmup(int warmupSteps) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }

        public Config withWeightDecay(float weightDecay) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }

        /** The largest global gradient norm allowed (0: no clipping). */
        public Config withGradClip(float gradClip) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }

        /** Evaluate every {@code every} steps on {@code batches} fixed batches. */
        public Config withEvaluation(int every, int batches) {
            return new Config(
                    batchSize, totalSteps, maxLr, minLr, warmupSteps, weightDecay, gradClip, every, batches, seed);
        }

        /** Seeds the batch order and dropout masks. */
        public Config withSeed(long seed) {
            return new Config(
                    batchSize,
                    totalSteps,
                    maxLr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    gradClip,
                    evalEvery,
                    evalBatches,
                    seed);
        }
    }

    /** What the notebook shows while training. */
    public record Progress(
            int step,
            int totalSteps,
            double loss,
            float learningRate,
            double tokensPerSecond,
            Duration eta,
            TrainingHistory.Evaluation evaluation,
            long skipped) {
        @Override
        public String toString() {
            String line = String.format(
                    Locale.ROOT,
                    "step %5d/%d  loss %.4f  lr %.2e  %,.0f tokens/s  ETA %s",
                    step,
                    totalSteps,
                    loss,
                    learningRate,
                    tokensPerSecond,
                    ProgressBar.duration(eta));
            return evaluation == null
                    ? line
                    : line
                            + String.format(
                                    Locale.ROOT,
                                    "  | eval train %.4f  val %.4f",
                                    evaluation.trainLoss(),
                                    evaluation.validationLoss())
                            + (skipped > 0 ? "  (" + skipped + " steps skipped)" : "");
        }
    }

    private final Gpt model;
    private final Config config;
    private final NDManager manager;
    private final TokenBatches train;
    private final TokenBatches validation;
    private final LearningRateSchedule schedule;
    private final AdamW optimizer;
    private final ParameterStore parameters;
    /** The model's weights by name, collected once: walking the block tree every step is wasted work. */
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    /** The weights that train (all but the frozen ones, e.g. a LoRA model's base). */
    private final Map<String, NDArray> trainable;

    private final TrainingHistory history;
    private final TrainingStep steps;
    private int step;
    private Gpt teacher; // set by distillFrom: soft targets instead of the data's next tokens
    private float temperature;
    private ParameterStore teacherParameters;

    private static final NDIndex ALL = new NDIndex("...");

    public GptTrainer(Gpt model, int[] trainTokens, int[] validationTokens, Config config, NDManager parent) {
        this(model, trainTokens, validationTokens, config, parent, 0, new TrainingHistory());
    }

    GptTrainer(
            Gpt model,
            int[] trainTokens,
            int[] validationTokens,
            Config config,
            NDManager parent,
            int step,
            TrainingHistory history) {
        int vocab = model.config().vocabSize();
        requireTokens("training", trainTokens, vocab);
        requireTokens("validation", validationTokens, vocab);
        for (Pair<String, Parameter> p : model.getParameters())
            weights.put(p.getKey(), p.getValue().getArray());
        trainable = model.trainableWeights();
        if (trainable.isEmpty())
            throw new IllegalArgumentException("every parameter of the model is frozen: there is nothing to train");
        this.model = model;
        this.config = config;
        this.manager = parent.newSubManager();
        this.train = new TokenBatches(trainTokens, model.config().blockSize(), config.batchSize());
        this.validation = new TokenBatches(validationTokens, model.config().blockSize(), config.batchSize());
        this.schedule =
                new LearningRateSchedule(config.maxLr(), config.minLr(), config.warmupSteps(), config.totalSteps());
        this.optimizer = AdamW.gpt(manager, config.weightDecay());
        this.steps = new TrainingStep(optimizer, config.gradClip());
        this.parameters = new ParameterStore(manager, false);
        this.history = history;
        this.step = step;
    }

    public Gpt model() {
        return model;
    }

    /**
     * Knowledge distillation (Hinton, Vinyals and Dean 2015): from now on each step trains the model
     * to match {@code teacher}'s next-token distributions softened by {@code temperature},
     * minimising T²·KL(p_teacher^T ‖ p_model^T) averaged over positions (the T² keeps the gradient's
     * size comparable across temperatures). The teacher only runs forward; validation stays the
     * cross-entropy on the data, so distilled and ordinary runs compare directly.
     */
    public GptTrainer distillFrom(Gpt teacher, float temperature) {
        if (teacher == model) throw new IllegalArgumentException("a model cannot be its own teacher");
        if (teacher.config().vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException(
                    "the teacher predicts " + teacher.config().vocabSize() + " tokens, the student "
                            + model.config().vocabSize() + ": they need the same tokenizer");
        }
        if (teacher.config().blockSize() < model.config().blockSize()) {
            throw new IllegalArgumentException(
                    "the teacher's context (" + teacher.config().blockSize() + ") is shorter than the student's ("
                            + model.config().blockSize() + ")");
        }
        if (!(temperature > 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("the temperature must be > 0, got " + temperature);
        this.teacher = teacher;
        this.temperature = temperature;
        this.teacherParameters = new ParameterStore(manager, false);
        return this;
    }

    public Config config() {
        return config;
    }

    public TrainingHistory history() {
        return history;
    }

    /** Steps done so far. */
    public int step() {
        return step;
    }

    AdamW optimizer() {
        return optimizer;
    }

    /** The model's weights by name, in the model's parameter order. */
    Map<String, NDArray> weights() {
        return weights;
    }

    /** Trains to the end of the run. */
    public TrainingHistory train(Consumer<Progress> listener) {
        return train(config.totalSteps() - step, listener);
    }

    /** Trains {@code steps} more steps (at most to the end of the run), reporting after each evaluation. */
    public TrainingHistory train(int steps, Consumer<Progress> listener) {
        int end = Math.min(config.totalSteps(), step + steps);
        long started = System.nanoTime();
        int first = step;
        while (step < end) {
            double loss = trainStep();
            boolean evaluate = step % config.evalEvery() == 0 || step == config.totalSteps();
            TrainingHistory.Evaluation evaluation = null;
            if (evaluate) {
                evaluation = new TrainingHistory.Evaluation(step, meanLoss(train, 1), meanLoss(validation, 2));
                history.add(evaluation);
            }
            if (evaluate && listener != null) {
                double seconds = (System.nanoTime() - started) / 1e9;
                double perStep = seconds / (step - first);
                double tokensPerSecond =
                        (double) config.batchSize() * model.config().blockSize() / perStep;
                listener.accept(new Progress(
                        step,
                        config.totalSteps(),
                        loss,
                        schedule.at(step - 1),
                        tokensPerSecond,
                        Duration.ofSeconds(Math.round(perStep * (config.totalSteps() - step))),
                        evaluation,
                        history.skippedSteps()));
            }
        }
        return history;
    }

    /**
     * One optimisation step on the batch for the current step; returns its loss. The step itself
     * (seeded dropout, its own NDManager, backward, clipping, AdamW or a skip, the record) is
     * {@link TrainingStep#run}: what is this trainer's own is the loss.
     */
    double trainStep() {
        TrainingHistory.Step done = steps.run(manager, config.seed(), step, schedule.at(step), trainable, scope -> {
            TokenBatches.Batch batch = train.batch(config.seed(), step);
            NDArray inputs = inputs(scope, batch);
            if (teacher == null) return () -> loss(scope, inputs, batch, true);
            // The teacher runs before gradients are recorded: no graph is built for it.
            NDArray soft = teacher.logits(teacherParameters, inputs, false)
                    .div(temperature)
                    .softmax(-1);
            return () -> distillationLoss(soft, model.logits(parameters, inputs, true), temperature);
        });
        history.add(done);
        step++;
        return done.loss();
    }

    /** {@link TrainingStep#update}: AdamW with clipping, or a skip when {@code gradNorm} is not finite; returns whether it updated. */
    boolean update(Map<String, NDArray> weights, double gradNorm, float lr) {
        return steps.update(weights, gradNorm, lr);
    }

    /** The mean loss over the configured number of fixed evaluation batches of {@code tokens}. */
    public double evaluate(int[] tokens) {
        return meanLoss(new TokenBatches(tokens, model.config().blockSize(), config.batchSize()), 3);
    }

    private double meanLoss(TokenBatches batches, long stream) {
        double sum = 0;
        for (int i = 0; i < config.evalBatches(); i++) {
            try (NDManager scope = manager.newSubManager()) {
                TokenBatches.Batch batch = batches.batch(config.seed() + 1_000_003L * stream, i);
                sum += loss(scope, inputs(scope, batch), batch, false).getFloat();
            }
        }
        return sum / config.evalBatches();
    }

    /** Mean cross-entropy of the next-token predictions: −log p(target) averaged over every position. */
    private NDArray loss(NDManager scope, NDArray inputs, TokenBatches.Batch batch, boolean training) {
        NDArray targets = scope.create(batch.targets(), inputs.getShape()).toDevice(inputs.getDevice(), false);
        return crossEntropy(model.logits(parameters, inputs, training), targets);
    }

    /**
     * Mean cross-entropy −log softmax(logits)[target] over every position: logits (B, T, V) and targets
     * (B, T) for next tokens, or logits (B, classes) and targets (B) for labels.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return tokenLogProbs(logits, targets).mean().neg();
    }

    /** log softmax(logits)[target] at every position: logits (..., V), targets (...) → (...). */
    public static NDArray tokenLogProbs(NDArray logits, NDArray targets) {
        return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    }

    /**
     * T²·KL(p ‖ q) = T²·Σ p·(log p − log q) over the last axis, averaged over positions: p the
     * teacher's distribution at temperature T (already softened), q the student's from its logits.
     */
    public static NDArray distillationLoss(NDArray teacherP, NDArray studentLogits, float temperature) {
        NDArray logQ = studentLogits.div(temperature).logSoftmax(-1);
        NDArray logP = teacherP.add(1e-20f).log();
        return teacherP.mul(logP.sub(logQ)).sum(new int[] {-1}).mean().mul(temperature * temperature);
    }

    private NDArray inputs(NDManager scope, TokenBatches.Batch batch) {
        return scope.create(batch.inputs(), new Shape(batch.batchSize(), batch.blockSize()))
                .toDevice(weights.values().iterator().next().getDevice(), false);
    }

    /**
     * Zeroes the gradients of {@code weights}: backward adds into them, so whatever no optimizer step
     * cleared must be. A fill with an array zero of each gradient's type from {@code scope} (a fill,
     * unlike grad − grad, clears NaN; a Number value would leave a scalar behind per call).
     */
    public static void clearGradients(Iterable<NDArray> weights, NDManager scope) {
        Map<DataType, NDArray> zeros = new HashMap<>();
        for (NDArray w : weights) {
            try (NDArray grad = w.getGradient()) {
                grad.set(ALL, zeros.computeIfAbsent(grad.getDataType(), type -> scope.zeros(new Shape(), type)));
            }
        }
    }

    /** The global L2 norm of the gradients, √(Σ ‖g‖²) over every weight: one engine call per weight. */
    public static double gradientNorm(Iterable<NDArray> weights) {
        double sumOfSquares = 0;
        for (NDArray w : weights) {
            try (NDArray grad = w.getGradient();
                    NDArray norm = grad.norm()) {
                double n = norm.getFloat();
                sumOfSquares += n * n;
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * The factor that clips gradients of global norm {@code norm} to at most {@code max} (0: no
     * clipping): max / norm when above, else 1. Scaling every gradient by the same factor shortens
     * the step and keeps its direction; the optimizer applies it as it reads each gradient.
     */
    public static float clipScale(double norm, float max) {
        return max > 0 && norm > max ? (float) (max / norm) : 1f;
    }

    /** Writes model, optimizer state, configuration, step and history to {@code file}, atomically, with a checksum. */
    public Path save(Path file) throws IOException {
        return Checkpoint.write(file, this);
    }

    /** Continues a run from a checkpoint written by {@link #save}. */
    public static GptTrainer resume(Path file, int[] trainTokens, int[] validationTokens, NDManager parent)
            throws IOException {
        return Checkpoint.read(file).resume(trainTokens, validationTokens, parent);
    }

    private static void requireTokens(String name, int[] tokens, int vocab) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException(
                        name + " token " + i + " has id " + tokens[i] + ", outside the model's vocabulary 0.."
                                + (vocab - 1) + ": encode with the tokenizer the model was built for");
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

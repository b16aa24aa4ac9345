package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.LearningRateSchedule;
import fasttrack.train.TokenBatches;
import fasttrack.train.TrainingHistory;
import fasttrack.train.TrainingStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a {@link Llama} with exactly {@link GptTrainer}'s recipe, so the two compare fairly: the same
 * {@link GptTrainer.Config} (AdamW, warm-up and cosine, clipping), the same batches for the same seed
 * ({@link TokenBatches}), the same evaluation batches, the same step ({@link TrainingStep}: its own
 * NDManager, seeded, skips non-finite steps). What is its own: the loss of a mixture of experts adds
 * {@code balancing} × its load-balancing loss, and every step's expert load is recorded.
 */
public final class LlamaTrainer implements AutoCloseable {

    private final Llama model;
    private final GptTrainer.Config config;
    private final float balancing;
    private final NDManager manager;
    private final TokenBatches train;
    private final TokenBatches validation;
    private final LearningRateSchedule schedule;
    private final TrainingStep steps;
    private final ParameterStore parameters;
    private final Map<String, NDArray> weights;
    private final TrainingHistory history = new TrainingHistory();
    private final List<float[][]> loads = new ArrayList<>();
    private int step;

    /** Plain cross-entropy (a mixture's balancing loss is recorded, not trained on). */
    public LlamaTrainer(
            Llama model, int[] trainTokens, int[] validationTokens, GptTrainer.Config config, NDManager parent) {
        this(model, trainTokens, validationTokens, config, 0f, parent);
    }

    /**
     * @param balancing the coefficient α of the load-balancing loss added to a mixture's loss (Mixtral: 0.02); 0 for none
     */
    public LlamaTrainer(
            Llama model,
            int[] trainTokens,
            int[] validationTokens,
            GptTrainer.Config config,
            float balancing,
            NDManager parent) {
        if (!(balancing >= 0) || Float.isInfinite(balancing))
            throw new IllegalArgumentException("the balancing coefficient must be >= 0, got " + balancing);
        if (balancing > 0 && !model.config().isMixture())
            throw new IllegalArgumentException("a balancing loss needs a mixture of experts; this model is dense");
        int vocab = model.config().vocabSize();
        for (int[] tokens : List.of(trainTokens, validationTokens)) {
            for (int t : tokens)
                if (t < 0 || t >= vocab)
                    throw new IllegalArgumentException(
                            "token id " + t + " is outside the model's vocabulary 0.." + (vocab - 1));
        }
        this.model = model;
        this.config = config;
        this.balancing = balancing;
        this.manager = parent.newSubManager();
        this.train = new TokenBatches(trainTokens, model.config().blockSize(), config.batchSize());
        this.validation = new TokenBatches(validationTokens, model.config().blockSize(), config.batchSize());
        this.schedule =
                new LearningRateSchedule(config.maxLr(), config.minLr(), config.warmupSteps(), config.totalSteps());
        this.steps = new TrainingStep(AdamW.gpt(manager, config.weightDecay()), config.gradClip());
        this.parameters = new ParameterStore(manager, false);
        this.weights = model.weights();
    }

    public Llama model() {
        return model;
    }

    public TrainingHistory history() {
        return history;
    }

    /**
     * Every step's expert load, [step][layer][expert]: the share of routing slots each expert got
     * (empty for a dense model).
     */
    public List<float[][]> expertLoads() {
        return List.copyOf(loads);
    }

    /** Trains to the end of the run, reporting after each evaluation as {@link GptTrainer} does. */
    public TrainingHistory train(Consumer<GptTrainer.Progress> listener) {
        long started = System.nanoTime();
        int first = step;
        while (step < config.totalSteps()) {
            double loss = trainStep();
            if (step % config.evalEvery() == 0 || step == config.totalSteps()) {
                var evaluation = new TrainingHistory.Evaluation(step, meanLoss(train, 1), meanLoss(validation, 2));
                history.add(evaluation);
                if (listener != null) {
                    double perStep = (System.nanoTime() - started) / 1e9 / (step - first);
                    listener.accept(new GptTrainer.Progress(
                            step,
                            config.totalSteps(),
                            loss,
                            schedule.at(step - 1),
                            config.batchSize() * model.config().blockSize() / perStep,
                            Duration.ofSeconds(Math.round(perStep * (config.totalSteps() - step))),
                            evaluation,
                            history.skippedSteps()));
                }
            }
        }
        return history;
    }

    private double trainStep() {
        TrainingHistory.Step done = steps.run(manager, config.seed(), step, schedule.at(step), weights, scope -> {
            TokenBatches.Batch batch = train.batch(config.seed(), step);
            NDArray inputs = inputs(scope, batch);
            NDArray targets = scope.create(batch.targets(), inputs.getShape());
            return () -> {
                Llama.Output out = model.forward(parameters, inputs, true, null);
                NDArray loss = GptTrainer.crossEntropy(out.logits(), targets);
                if (out.expertLoad() != null) {
                    float[] flat = out.expertLoad().toFloatArray();
                    int e = model.config().experts();
                    float[][] load = new float[flat.length / e][e];
                    for (int l = 0; l < load.length; l++) System.arraycopy(flat, l * e, load[l], 0, e);
                    loads.add(load);
                    if (balancing > 0)
                        loss = loss.add(
                                out.balancingLoss().mul(scope.full(new Shape(), balancing, loss.getDataType())));
                }
                return loss;
            };
        });
        history.add(done);
        step++;
        return done.loss();
    }

    /** The mean cross-entropy over the configured number of fixed evaluation batches of {@code tokens}. */
    public double evaluate(int[] tokens) {
        return meanLoss(new TokenBatches(tokens, model.config().blockSize(), config.batchSize()), 3);
    }

    /** As GptTrainer's: the same evaluation batches (seed + 1,000,003 · stream) for the same configuration. */
    private double meanLoss(TokenBatches batches, long stream) {
        double sum = 0;
        for (int i = 0; i < config.evalBatches(); i++) {
            try (NDManager scope = manager.newSubManager()) {
                TokenBatches.Batch batch = batches.batch(config.seed() + 1_000_003L * stream, i);
                NDArray inputs = inputs(scope, batch);
                NDArray targets = scope.create(batch.targets(), inputs.getShape());
                sum += GptTrainer.crossEntropy(
                                model.forward(parameters, inputs, false, null).logits(), targets)
                        .getFloat();
            }
        }
        return sum / config.evalBatches();
    }

    private static NDArray inputs(NDManager scope, TokenBatches.Batch batch) {
        return scope.create(batch.inputs(), new Shape(batch.batchSize(), batch.blockSize()));
    }

    @Override
    public void close() {
        manager.close();
    }
}

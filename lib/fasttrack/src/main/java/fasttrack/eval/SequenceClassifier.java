package fasttrack.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A pretrained {@link Gpt} finetuned as a text classifier: a new linear head reads the features of
 * the LAST position, h_T (C), and gives one logit per class,
 * <pre>
 *   logits = h_T W + b        W (C, classes), b (classes)        p = softmax(logits)
 * </pre>
 * trained with cross-entropy −log p[label]. The last position because the model is causal: h_t has
 * seen tokens 0..t only, so h_T is the one feature vector that has read the whole text (Raschka,
 * LLMs from Scratch, ch. 6). How much of the pretrained model trains is a choice ({@link Trainable}):
 * the head alone is a linear probe of what pretraining learned; the last block too lets the model
 * adapt its top layer at a small cost.
 *
 * <p>Training changes the model's weights in place (except with {@link Trainable#HEAD}); which of
 * its parameters require gradients is restored afterwards. Each step runs in its own NDManager, so
 * native memory stays flat.
 */
public final class SequenceClassifier implements AutoCloseable {

    /** What trains: the new head only, the head plus the final norm and last block, or everything. */
    public enum Trainable {
        HEAD,
        LAST_BLOCK,
        ALL
    }

    /**
     * @param length       tokens per text: every row of ids must have exactly this many
     * @param batchSize    texts per step
     * @param steps        optimisation steps (AdamW at a constant learning rate, gradients clipped to norm 1)
     * @param weightDecay  AdamW's decoupled decay, on matrices only
     * @param seed         seeds the head's initial weights, the batch order and dropout
     */
    public record Config(
            int length,
            int batchSize,
            int steps,
            float learningRate,
            float weightDecay,
            Trainable trainable,
            long seed) {
        public Config {
            if (length < 1 || batchSize < 1 || steps < 1)
                throw new IllegalArgumentException("length, batchSize and steps must be >= 1");
            if (!(learningRate > 0) || Float.isInfinite(learningRate))
                throw new IllegalArgumentException("learningRate must be a finite number > 0, got " + learningRate);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
            if (trainable == null) throw new IllegalArgumentException("trainable must be HEAD, LAST_BLOCK or ALL");
        }

        /** 64 tokens, batch 32, 150 steps, lr 1e-3, decay 0.01, head + last block, seed 1. */
        public static Config defaults() {
            return new Config(64, 32, 150, 1e-3f, 0.01f, Trainable.LAST_BLOCK, 1);
        }

        public Config withLength(int length) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withBatchSize(int batchSize) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withSteps(int steps) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withLearningRate(float learningRate) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withWeightDecay(float weightDecay) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withTrainable(Trainable trainable) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }

        public Config withSeed(long seed) {
            return new Config(length, batchSize, steps, learningRate, weightDecay, trainable, seed);
        }
    }

    /** Fixed-length id rows and, for each, the index of the text it came from. */
    public record Windows(int[][] ids, int[] kept) {
        /** The entries of a per-text array (the labels, say) for the kept texts, in row order. */
        public int[] select(int[] perText) {
            return Arrays.stream(kept).map(i -> perText[i]).toArray();
        }
    }

    /**
     * Texts as rows of exactly {@code length} tokens: each text's first {@code length} tokens; texts
     * with fewer are dropped (count them as {@code encoded.length − kept().length}). A causal GPT
     * trained on running text has no padding token, and filler it never saw before a text would
     * change what the last position reads, so short texts are left out rather than padded.
     */
    public static Windows fixedLength(int[][] encoded, int length) {
        if (length < 1) throw new IllegalArgumentException("length must be >= 1, got " + length);
        List<int[]> rows = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            if (encoded[i].length >= length) {
                rows.add(Arrays.copyOf(encoded[i], length));
                kept.add(i);
            }
        }
        return new Windows(
                rows.toArray(int[][]::new),
                kept.stream().mapToInt(Integer::intValue).toArray());
    }

    private static final float CLIP = 1f;

    private final Gpt model;
    private final int classes;
    private final Config config;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final Device device;
    private final NDArray weight;
    private final NDArray bias;

    /** A new head on {@code model}, W ~ N(0, 0.02²) seeded by {@code config.seed()}, b = 0, on the model's device. */
    public SequenceClassifier(Gpt model, int classes, Config config, NDManager parent) {
        if (classes < 2) throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        if (config.length() > model.config().blockSize()) {
            throw new IllegalArgumentException("length " + config.length() + " exceeds the model's context of "
                    + model.config().blockSize() + " tokens: use Config.withLength("
                    + model.config().blockSize() + ") or less");
        }
        this.model = model;
        this.classes = classes;
        this.config = config;
        this.manager = parent.newSubManager();
        this.parameters = new ParameterStore(manager, false);
        this.device = model.tokenEmbeddings().getDevice();
        int c = model.config().embedDim();
        Random random = new Random(config.seed());
        float[] w = new float[c * classes];
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.02 * random.nextGaussian());
        weight = manager.create(w, new Shape(c, classes)).toDevice(device, false);
        bias = manager.zeros(new Shape(classes)).toDevice(device, false);
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
    }

    public Gpt model() {
        return model;
    }

    public int classes() {
        return classes;
    }

    public Config config() {
        return config;
    }

    /** The head's weights W (C, classes): read them, do not write to them. */
    public NDArray headWeight() {
        return weight;
    }

    /** The head's bias b (classes). */
    public NDArray headBias() {
        return bias;
    }

    /** Logits (B, classes) for ids (B, T): the head on the last position's features. */
    public NDArray logits(NDArray ids, boolean training) {
        NDArray last = model.features(parameters, ids, training).get(":, -1, :"); // (B, C): h_T
        return last.matMul(weight).add(bias);
    }

    /**
     * Trains on rows of {@link Config#length()} token ids with their labels; returns each step's
     * loss. Batches are drawn in a seeded shuffled order, epoch after epoch. {@code progress} (may
     * be null) hears about ten lines, each with the mean loss since the last.
     */
    public List<Double> train(int[][] ids, int[] labels, Consumer<String> progress) {
        requireRows(ids);
        if (labels.length != ids.length)
            throw new IllegalArgumentException(
                    ids.length + " rows but " + labels.length + " labels: give one label per row");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label " + i + " is " + labels[i] + ", not a class in 0.." + (classes - 1));
            }
        }
        Map<Parameter, Boolean> wasTrainable = new IdentityHashMap<>();
        Map<String, NDArray> trainable = unfreeze(wasTrainable);
        List<Double> losses = new ArrayList<>();
        int n = ids.length, batch = Math.min(config.batchSize(), n), length = config.length();
        Random random = new Random(config.seed());
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int next = n, every = Math.max(1, config.steps() / 10), reported = 0;
        long started = System.nanoTime();
        try (AdamW optimizer = AdamW.gpt(manager, config.weightDecay())) {
            TrainingStep steps = new TrainingStep(optimizer, CLIP);
            for (int step = 0; step < config.steps(); step++) {
                long[] x = new long[batch * length], y = new long[batch];
                for (int b = 0; b < batch; b++) {
                    if (next == n) {
                        shuffle(order, random);
                        next = 0;
                    }
                    int row = order[next++];
                    for (int t = 0; t < length; t++) x[b * length + t] = ids[row][t];
                    y[b] = labels[row];
                }
                losses.add(steps.run(manager, config.seed(), step, config.learningRate(), trainable, scope -> {
                            NDArray inputs =
                                    scope.create(x, new Shape(batch, length)).toDevice(device, false);
                            NDArray targets = scope.create(y, new Shape(batch)).toDevice(device, false);
                            return () -> GptTrainer.crossEntropy(logits(inputs, true), targets);
                        })
                        .loss());
                if (progress != null && ((step + 1) % every == 0 || step + 1 == config.steps())) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double mean = losses.subList(reported, step + 1).stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElseThrow();
                    progress.accept(String.format(
                            Locale.ROOT,
                            "step %4d/%d  mean loss %.4f  %.2f s/step",
                            step + 1,
                            config.steps(),
                            mean,
                            seconds / (step + 1)));
                    reported = step + 1;
                }
            }
        } finally {
            wasTrainable.forEach((p, was) -> p.freeze(!was));
        }
        return losses;
    }

    /**
     * Freezes what {@link Config#trainable()} leaves out and unfreezes the rest, remembering each
     * model parameter's previous state; returns the weights to train, the head's included.
     */
    private Map<String, NDArray> unfreeze(Map<Parameter, Boolean> wasTrainable) {
        Set<Parameter> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
        switch (config.trainable()) {
            case HEAD -> {}
            case LAST_BLOCK -> {
                model.blocks()
                        .get(model.blocks().size() - 1)
                        .getParameters()
                        .values()
                        .forEach(chosen::add);
                model.finalNorm().getParameters().values().forEach(chosen::add);
            }
            case ALL -> model.getParameters().values().forEach(chosen::add);
        }
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            Parameter parameter = p.getValue();
            wasTrainable.put(parameter, parameter.requiresGradient());
            parameter.freeze(!chosen.contains(parameter));
            if (chosen.contains(parameter)) trainable.put(p.getKey(), parameter.getArray());
        }
        trainable.put("classifier.weight", weight);
        trainable.put("classifier.bias", bias);
        return trainable;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** softmax(logits) for each row: p[i][c] = P(class c | row i), each row summing to 1. Batched, no gradients. */
    public float[][] probabilities(int[][] ids) {
        requireRows(ids);
        float[][] p = new float[ids.length][];
        int length = config.length();
        for (int start = 0; start < ids.length; start += config.batchSize()) {
            int batch = Math.min(config.batchSize(), ids.length - start);
            long[] x = new long[batch * length];
            for (int b = 0; b < batch; b++) for (int t = 0; t < length; t++) x[b * length + t] = ids[start + b][t];
            try (NDManager scope = manager.newSubManager()) {
                NDArray inputs = scope.create(x, new Shape(batch, length)).toDevice(device, false);
                float[] flat = logits(inputs, false).softmax(-1).toFloatArray();
                for (int b = 0; b < batch; b++) p[start + b] = Arrays.copyOfRange(flat, b * classes, (b + 1) * classes);
            }
        }
        return p;
    }

    /** The most probable class of each row. */
    public int[] predict(int[][] ids) {
        float[][] p = probabilities(ids);
        int[] predicted = new int[p.length];
        for (int i = 0; i < p.length; i++)
            for (int c = 1; c < classes; c++) if (p[i][c] > p[i][predicted[i]]) predicted[i] = c;
        return predicted;
    }

    private void requireRows(int[][] ids) {
        if (ids == null || ids.length == 0)
            throw new IllegalArgumentException("no rows: give at least one row of token ids");
        int block = model.config().blockSize(), vocab = model.config().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length > block) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + ids[i].length + " tokens, more than the model's context of " + block);
            }
            if (ids[i].length != config.length()) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + ids[i].length + " tokens, the classifier reads " + config.length()
                                + ": make rows with SequenceClassifier.fixedLength(encoded, " + config.length() + ")");
            }
            for (int id : ids[i]) {
                if (id < 0 || id >= vocab)
                    throw new IllegalArgumentException(
                            "row " + i + " has token id " + id + ", outside the model's vocabulary 0.." + (vocab - 1));
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

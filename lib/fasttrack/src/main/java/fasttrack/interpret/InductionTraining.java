package fasttrack.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains an {@link AttentionOnlyTransformer} on a mixture of natural text and repeated random token
 * strings, and watches in-context learning appear: every few steps it measures the loss on the first
 * and the repeated half of fixed repeated sequences, the loss on held-out text, and the best
 * prefix-matching (induction) and previous-token scores among the heads, and keeps the weights, so
 * any moment of training can be looked at again.
 */
public final class InductionTraining {

    /**
     * @param steps        optimizer steps
     * @param batchSize    sequences per step
     * @param textFraction the share of each batch that is text windows (the rest: repeated random strings)
     * @param learningRate Adam's learning rate, constant (no weight decay: the model is tiny)
     * @param evalEvery    steps between measurements
     * @param seed         draws batches and evaluation sets
     */
    public record Config(int steps, int batchSize, double textFraction, float learningRate, int evalEvery, long seed) {
        public Config {
            if (steps < 1 || batchSize < 1 || evalEvery < 1)
                throw new IllegalArgumentException("steps, batchSize and evalEvery must be >= 1");
            if (!(textFraction >= 0 && textFraction <= 1))
                throw new IllegalArgumentException("textFraction must be in [0, 1], got " + textFraction);
            if (!(learningRate > 0 && learningRate <= 0.1f))
                throw new IllegalArgumentException("learningRate must be in (0, 0.1], got " + learningRate);
        }
    }

    /**
     * One measurement. The in-context learning score is firstHalfLoss − repeatedHalfLoss: how much
     * better the model predicts tokens it has seen earlier in the same sequence.
     */
    public record Progress(
            int step,
            double firstHalfLoss,
            double repeatedHalfLoss,
            double textLoss,
            double bestPrefixMatching,
            double bestPreviousToken) {
        public double inContextScore() {
            return firstHalfLoss - repeatedHalfLoss;
        }
    }

    private final AttentionOnlyTransformer model;
    private final RepeatedTokens repeats;
    private final int[] text;
    private final int[][] textEval;
    private final int[][] repeatEval;
    private final Config config;
    private final List<Progress> history = new ArrayList<>();
    private final Map<Integer, Map<String, float[]>> snapshots = new LinkedHashMap<>();

    /**
     * @param text         token ids of the training text (windows are drawn from it)
     * @param evalText     token ids of held-out text
     * @param repeats      the repeated-string generator (its length is the sequence length)
     */
    public InductionTraining(
            AttentionOnlyTransformer model, int[] text, int[] evalText, RepeatedTokens repeats, Config config) {
        int t = repeats.length();
        if (t > model.config().context())
            throw new IllegalArgumentException("sequences of " + t + " tokens do not fit the model's context of "
                    + model.config().context());
        if (text.length <= t + 1 || evalText.length <= t + 1)
            throw new IllegalArgumentException("the texts must be longer than a sequence (" + (t + 1) + " tokens)");
        this.model = model;
        this.repeats = repeats;
        this.text = text;
        this.config = config;
        Random evalRandom = new Random(config.seed() + 1);
        this.textEval = windows(evalText, 32, evalRandom);
        this.repeatEval = repeats.batch(evalRandom, 32, t / 2);
    }

    /** The fixed repeated sequences measured: 32 rows whose repeat starts at position T / 2. */
    public int[][] repeatEvaluation() {
        return repeatEval;
    }

    /** Runs every step, measuring at step 0, every {@code evalEvery} steps and at the end; prints a line every {@code printEvery} steps (0: never). */
    public List<Progress> run(NDManager parent, int printEvery) {
        Random random = new Random(config.seed());
        int textRows = (int) Math.round(config.batchSize() * config.textFraction());
        try (NDManager manager = parent.newSubManager();
                AdamW optimizer = new AdamW(manager, 0.9f, 0.99f, 1e-8f, 0f)) {
            TrainingStep steps = new TrainingStep(optimizer, 1f);
            for (int step = 0; step <= config.steps(); step++) {
                if (step % config.evalEvery() == 0 || step == config.steps()) {
                    Progress p = measure(manager, step);
                    if (printEvery > 0 && (step % printEvery == 0 || step == config.steps())) {
                        System.out.printf(
                                "step %5d  first half %.3f  repeated half %.3f  text %.3f  induction %.2f  previous-token %.2f%n",
                                step,
                                p.firstHalfLoss(),
                                p.repeatedHalfLoss(),
                                p.textLoss(),
                                p.bestPrefixMatching(),
                                p.bestPreviousToken());
                    }
                }
                if (step == config.steps()) break;
                int[][] rows = repeats.batch(random, config.batchSize());
                for (int i = 0; i < textRows; i++) rows[i] = window(text, random);
                steps.run(
                        manager,
                        config.seed(),
                        step,
                        config.learningRate(),
                        model.weights(),
                        scope -> () -> GptTrainer.crossEntropy(
                                model.forward(inputs(scope, rows)).logits(), targets(scope, rows)));
            }
        }
        return history;
    }

    private Progress measure(NDManager manager, int step) {
        try (NDManager scope = manager.newSubManager()) {
            int t = repeats.length(), half = t / 2;
            double text = mean(model.lossByPosition(scope, textEval, HeadAblation.none()), 0, t);
            AttentionOnlyTransformer.Forward f =
                    model.forward(inputs(scope, repeatEval)); // one pass gives the losses and the patterns
            double[] byPosition = AttentionOnlyTransformer.lossByPosition(f.logits(), targets(scope, repeatEval));
            double induction = Arrays.stream(HeadScores.prefixMatching(
                            f.patterns().get(model.config().layers() - 1), repeatEval))
                    .max()
                    .orElseThrow();
            double previous = Arrays.stream(
                            HeadScores.previousToken(f.patterns().get(0)))
                    .max()
                    .orElseThrow();
            Progress p =
                    new Progress(step, mean(byPosition, 0, half), mean(byPosition, half, t), text, induction, previous);
            history.add(p);
            snapshots.put(step, model.snapshot());
            return p;
        }
    }

    public List<Progress> history() {
        return history;
    }

    /** The weights at a measured step (see {@link AttentionOnlyTransformer#load}). */
    public Map<String, float[]> weightsAt(int step) {
        Map<String, float[]> s = snapshots.get(step);
        if (s == null)
            throw new IllegalArgumentException(
                    "no weights kept for step " + step + ": measured steps are " + snapshots.keySet());
        return s;
    }

    /**
     * The phase change: the middle of the measurement interval in which the repeated-half loss fell
     * fastest (the largest drop per step, so uneven intervals compare fairly).
     */
    public static int phaseChangeStep(List<Progress> history) {
        if (history.size() < 2)
            throw new IllegalArgumentException(
                    "need at least two measurements to find a change, got " + history.size());
        int best = 1;
        for (int i = 1; i < history.size(); i++) {
            if (drop(history, i) > drop(history, best)) best = i;
        }
        return (history.get(best - 1).step() + history.get(best).step()) / 2;
    }

    private static double drop(List<Progress> h, int i) {
        return (h.get(i - 1).repeatedHalfLoss() - h.get(i).repeatedHalfLoss())
                / (h.get(i).step() - h.get(i - 1).step());
    }

    /** Rows of t + 1 tokens (inputs and targets) as model inputs (B, t). */
    public static NDArray inputs(NDManager manager, int[][] rows) {
        return tokens(manager, rows, 0);
    }

    /** The targets of rows of t + 1 tokens: each input's next token (B, t). */
    public static NDArray targets(NDManager manager, int[][] rows) {
        return tokens(manager, rows, 1);
    }

    private static NDArray tokens(NDManager manager, int[][] rows, int offset) {
        int t = rows[0].length - 1;
        int[] flat = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != t + 1)
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " tokens, row 0 has " + (t + 1));
            System.arraycopy(rows[i], offset, flat, i * t, t);
        }
        return manager.create(flat, new Shape(rows.length, t));
    }

    private int[] window(int[] ids, Random random) {
        int start = random.nextInt(ids.length - repeats.length() - 1);
        return Arrays.copyOfRange(ids, start, start + repeats.length() + 1);
    }

    private int[][] windows(int[] ids, int count, Random random) {
        int[][] rows = new int[count][];
        for (int i = 0; i < count; i++) rows[i] = window(ids, random);
        return rows;
    }

    static double mean(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += values[i];
        return sum / (to - from);
    }
}

package fasttrack.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What a trained {@link Gpt} says about a text, for evaluation: its mean cross-entropy on a token
 * stream, its next-token probabilities at many positions (for calibration), and its loss per line.
 * Inference only (no dropout, no gradients); work runs in batches inside a scope closed at the end.
 */
public final class GptScores {

    private static final int BATCH = 32;

    private final Gpt model;
    private final NDManager manager;
    private final ParameterStore parameters;

    public GptScores(Gpt model, NDManager manager) {
        this.model = model;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
    }

    /**
     * Mean cross-entropy of predicting tokens[1..n) from what precedes them, in windows of the model's
     * context: window w reads tokens [wB, wB + B) and predicts [wB + 1, wB + B + 1), so every token
     * after the first is predicted exactly once, from between 0 and B − 1 tokens of context (the
     * first of each window from none of its own window's past).
     */
    public LanguageModelLoss loss(int[] tokens) {
        requireTokens(tokens, 2);
        int block = model.config().blockSize();
        List<int[]> inputs = new ArrayList<>(), targets = new ArrayList<>();
        for (int start = 0; start + 1 < tokens.length; start += block) {
            int length = Math.min(block, tokens.length - 1 - start);
            int[] in = new int[length], out = new int[length];
            System.arraycopy(tokens, start, in, 0, length);
            System.arraycopy(tokens, start + 1, out, 0, length);
            inputs.add(in);
            targets.add(out);
        }
        double nats = 0;
        long count = 0;
        for (int i = 0; i < inputs.size(); i++) {
            double[] perToken = tokenLosses(inputs.get(i), targets.get(i));
            for (double v : perToken) nats += v;
            count += perToken.length;
        }
        return new LanguageModelLoss(nats / count, count);
    }

    /** Mean cross-entropy (nats per predicted token) of each line, predicting tokens 1.. of the line from its start. */
    public double[] lineLosses(List<int[]> lines) {
        double[] out = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            int[] line = lines.get(i);
            requireTokens(line, 2);
            if (line.length - 1 > model.config().blockSize()) {
                throw new IllegalArgumentException(
                        "line " + i + " has " + line.length + " tokens; at most blockSize + 1 = "
                                + (model.config().blockSize() + 1) + " fit one forward pass: crop it");
            }
            int[] in = new int[line.length - 1], target = new int[line.length - 1];
            System.arraycopy(line, 0, in, 0, in.length);
            System.arraycopy(line, 1, target, 0, target.length);
            double sum = 0;
            for (double v : tokenLosses(in, target)) sum += v;
            out[i] = sum / in.length;
        }
        return out;
    }

    /**
     * Mean cross-entropy of {@code continuation} read after {@code context}: each continuation token
     * is predicted from the (at most B) tokens just before it, context included. The difference this
     * makes against an empty or another context is what the context told the model. Positions past B
     * are scored in windows of exactly B, batched.
     */
    public LanguageModelLoss conditionalLoss(int[] context, int[] continuation) {
        if (context == null)
            throw new IllegalArgumentException("the context must not be null (use an empty array for none)");
        requireTokens(continuation, context.length == 0 ? 2 : 1);
        int[] sequence = new int[context.length + continuation.length];
        System.arraycopy(context, 0, sequence, 0, context.length);
        System.arraycopy(continuation, 0, sequence, context.length, continuation.length);
        requireTokens(sequence, 2);
        int block = model.config().blockSize(), first = Math.max(1, context.length);
        double nats = 0;
        // Targets up to position B: one pass over the first B tokens predicts them all.
        int head = Math.min(block, sequence.length - 1);
        if (first <= head) {
            int[] in = Arrays.copyOfRange(sequence, 0, head), out = Arrays.copyOfRange(sequence, 1, head + 1);
            double[] losses = tokenLosses(in, out);
            for (int t = first; t <= head; t++) nats += losses[t - 1];
        }
        // Each later target t: the window of the B tokens before it; only its last prediction counts.
        int[] late = IntStream.range(Math.max(first, head + 1), sequence.length).toArray();
        for (int from = 0; from < late.length; from += BATCH) {
            int rows = Math.min(BATCH, late.length - from);
            long[] ids = new long[rows * block];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < block; i++) ids[r * block + i] = sequence[late[from + r] - block + i];
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray last = model.logits(parameters, scope.create(ids, new Shape(rows, block)), false)
                        .get(":, -1, :")
                        .logSoftmax(-1);
                float[] logp = last.toFloatArray();
                int vocab = model.config().vocabSize();
                for (int r = 0; r < rows; r++) nats -= logp[r * vocab + sequence[late[from + r]]];
            }
        }
        return new LanguageModelLoss(nats / (sequence.length - first), sequence.length - first);
    }

    /** The model's distribution over the token after {@code context} (its last B tokens), at temperature 1. */
    public float[] nextToken(int[] context) {
        requireTokens(context, 1);
        int block = model.config().blockSize(), from = Math.max(0, context.length - block);
        long[] ids = new long[context.length - from];
        for (int i = 0; i < ids.length; i++) ids[i] = context[from + i];
        try (NDManager scope = manager.newSubManager()) {
            return model.logits(parameters, scope.create(ids, new Shape(1, ids.length)), false)
                    .get(":, -1, :")
                    .softmax(-1)
                    .toFloatArray();
        }
    }

    /**
     * The model's next-token distributions softmax(logits / temperature) at every position of the
     * windows of {@code length} tokens starting at each of {@code starts}, with the true next token:
     * rows of (probabilities, truth) for a calibration study.
     */
    public Predictions nextTokenProbabilities(int[] tokens, int[] starts, int length, float temperature) {
        if (!(temperature > 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("the temperature must be > 0, got " + temperature);
        if (length < 1 || length > model.config().blockSize()) {
            throw new IllegalArgumentException("length must be between 1 and the context of "
                    + model.config().blockSize() + ", got " + length);
        }
        int vocab = model.config().vocabSize();
        float[][] probabilities = new float[starts.length * length][];
        int[] truth = new int[starts.length * length];
        for (int from = 0; from < starts.length; from += BATCH) {
            int rows = Math.min(BATCH, starts.length - from);
            long[] ids = new long[rows * length];
            for (int r = 0; r < rows; r++) {
                int s = starts[from + r];
                if (s < 0 || s + length + 1 > tokens.length)
                    throw new IllegalArgumentException(
                            "window at " + s + " runs past the " + tokens.length + " tokens");
                for (int t = 0; t < length; t++) {
                    ids[r * length + t] = tokens[s + t];
                    truth[(from + r) * length + t] = tokens[s + t + 1];
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = model.logits(parameters, scope.create(ids, new Shape(rows, length)), false);
                float[] p = logits.div(temperature).softmax(-1).toFloatArray();
                for (int row = 0; row < rows * length; row++) {
                    float[] dist = new float[vocab];
                    System.arraycopy(p, row * vocab, dist, 0, vocab);
                    probabilities[from * length + row] = dist;
                }
            }
        }
        return new Predictions(probabilities, truth);
    }

    /** Next-token distributions (one row per position) and the token that really came next. */
    public record Predictions(float[][] probabilities, int[] truth) {}

    /** −log p(target) at each position of one sequence. */
    private double[] tokenLosses(int[] input, int[] target) {
        long[] ids = new long[input.length];
        for (int i = 0; i < ids.length; i++) ids[i] = input[i];
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = model.logits(parameters, scope.create(ids, new Shape(1, ids.length)), false);
            float[] logp = logits.logSoftmax(-1).toFloatArray();
            int vocab = model.config().vocabSize();
            double[] out = new double[target.length];
            for (int t = 0; t < target.length; t++) out[t] = -logp[t * vocab + target[t]];
            return out;
        }
    }

    private void requireTokens(int[] tokens, int minimum) {
        if (tokens == null || tokens.length < minimum) {
            throw new IllegalArgumentException("need at least " + minimum
                    + " tokens (one to read, one to predict), got " + (tokens == null ? "null" : tokens.length));
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException(
                        "token " + i + " has id " + tokens[i] + ", outside the model's vocabulary 0.." + (vocab - 1));
            }
        }
    }
}

package fasttrack.eval;

import fasttrack.generate.Sampling;
import java.util.Arrays;
import java.util.Random;

/**
 * The simplest language models, by counting: a unigram (order 1) ignores context, a bigram (order 2)
 * looks at the previous token only. Both are smoothed by adding k to every count (Laplace for k = 1),
 * so a token never seen in training still gets some probability and the loss stays finite:
 * <pre>
 *   unigram:  p(w)     = (c(w)    + k) / (N    + k·V)      N: training tokens, V: vocabulary size
 *   bigram:   p(w | u) = (c(u, w) + k) / (c(u) + k·V)      c(u): bigrams that start with u
 * </pre>
 * They are the baselines a GPT has to beat: a loss in nats per token means little alone, but beside
 * the bigram's on the same text (in bits per byte, whatever the tokenizer) it shows what the
 * context beyond one token is worth.
 * <p>
 * Counts are kept as one row of V counts per context token seen, so memory grows as
 * (contexts seen) × V: fine for the course's character and BPE vocabularies (up to a few thousand).
 */
public final class NgramLanguageModel {

    /** Laplace smoothing. */
    public static final double DEFAULT_K = 1;

    private final int order;
    private final int vocabSize;
    private final double k;
    private final long[] unigram;
    private final long total;
    /** bigram[u][w] = c(u, w), null for a u never seen as a context; rowTotal[u] = c(u). */
    private final long[][] bigram;

    private final long[] rowTotal;

    private NgramLanguageModel(
            int order, int vocabSize, double k, long[] unigram, long total, long[][] bigram, long[] rowTotal) {
        this.order = order;
        this.vocabSize = vocabSize;
        this.k = k;
        this.unigram = unigram;
        this.total = total;
        this.bigram = bigram;
        this.rowTotal = rowTotal;
    }

    /** Laplace-smoothed (k = 1) model of {@code order} 1 or 2. */
    public static NgramLanguageModel train(int order, int[] tokens, int vocabSize) {
        return train(order, tokens, vocabSize, DEFAULT_K);
    }

    /**
     * Counts the unigrams (and, for order 2, the adjacent pairs) of {@code tokens}.
     *
     * @param vocabSize V: ids run over 0..V−1, seen or not
     * @param k         added to every count, > 0
     */
    public static NgramLanguageModel train(int order, int[] tokens, int vocabSize, double k) {
        if (order != 1 && order != 2)
            throw new IllegalArgumentException("order must be 1 (unigram) or 2 (bigram), got " + order);
        if (vocabSize < 1) throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException(
                    "k must be > 0 (k = 0 gives unseen tokens probability 0 and an infinite loss), got " + k);
        }
        if (tokens == null || tokens.length == 0)
            throw new IllegalArgumentException("give at least one training token");
        requireIds("training", tokens, tokens.length, vocabSize);
        long[] unigram = new long[vocabSize];
        for (int t : tokens) unigram[t]++;
        long[][] bigram = order == 2 ? new long[vocabSize][] : null;
        long[] rowTotal = order == 2 ? new long[vocabSize] : null;
        if (order == 2) {
            for (int i = 1; i < tokens.length; i++) {
                int u = tokens[i - 1];
                if (bigram[u] == null) bigram[u] = new long[vocabSize];
                bigram[u][tokens[i]]++;
                rowTotal[u]++;
            }
        }
        return new NgramLanguageModel(order, vocabSize, k, unigram, tokens.length, bigram, rowTotal);
    }

    public int order() {
        return order;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public double k() {
        return k;
    }

    /**
     * p(next token) after {@code context[0..length)}; only the last order − 1 tokens matter. A bigram
     * with no previous token (length 0) falls back to its smoothed unigram counts. Sums to 1.
     */
    public double[] distribution(int[] context, int length) {
        requireContext(context, length);
        double[] p = new double[vocabSize];
        for (int w = 0; w < vocabSize; w++) p[w] = probability(context, length, w);
        return p;
    }

    /** p(w) after {@code context[0..length)}, by the formula in the class comment. */
    double probability(int[] context, int length, int w) {
        if (order == 2 && length > 0) {
            int u = context[length - 1];
            long[] row = bigram[u];
            return ((row == null ? 0 : row[w]) + k) / (rowTotal[u] + k * vocabSize);
        }
        return (unigram[w] + k) / (total + k * vocabSize);
    }

    /**
     * Mean cross-entropy −(1/(n−1)) Σ_{i=1}^{n−1} ln p(tokens[i] | tokens[..i]) over a stream of n
     * tokens. The first token is not scored, for either order: a GPT reading a stream predicts
     * tokens 1..n−1 from what precedes them, so scoring the same n − 1 positions keeps the losses
     * comparable (a unigram could score token 0 as well; over a long text the difference is nil).
     *
     * @throws IllegalArgumentException for fewer than 2 tokens or an id outside the vocabulary
     */
    public LanguageModelLoss loss(int[] tokens) {
        if (tokens == null || tokens.length < 2)
            throw new IllegalArgumentException("the loss needs at least 2 tokens (the first is context, never scored)");
        requireIds("scored", tokens, tokens.length, vocabSize);
        double nats = 0;
        for (int i = 1; i < tokens.length; i++) nats -= Math.log(probability(tokens, i, tokens[i]));
        return new LanguageModelLoss(nats / (tokens.length - 1), tokens.length - 1);
    }

    /**
     * {@code prompt} followed by {@code count} tokens, each drawn by {@code sampling} from the
     * model's log-probabilities used as logits (softmax of ln p is p again, so temperature 1 samples
     * the model itself). Seeded by {@code sampling.seed()}, as {@link fasttrack.generate.Generator} is.
     */
    public int[] generate(int[] prompt, int count, Sampling sampling) {
        if (sampling == null)
            throw new IllegalArgumentException(
                    "sampling must not be null: use Sampling.greedy() for the most likely token");
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        requireContext(prompt, prompt == null ? 0 : prompt.length);
        Random random = new Random(sampling.seed());
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        float[] logits = new float[vocabSize];
        for (int length = prompt.length; length < tokens.length; length++) {
            for (int w = 0; w < vocabSize; w++) logits[w] = (float) Math.log(probability(tokens, length, w));
            tokens[length] = sampling.sample(logits, random);
        }
        return tokens;
    }

    private void requireContext(int[] context, int length) {
        if (context == null)
            throw new IllegalArgumentException("context must not be null: give an empty array for no context");
        if (length < 0 || length > context.length)
            throw new IllegalArgumentException("length must be in 0.." + context.length + ", got " + length);
        requireIds("context", context, length, vocabSize);
    }

    private static void requireIds(String what, int[] tokens, int length, int vocabSize) {
        for (int i = 0; i < length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException(
                        what + " token " + i + " has id " + tokens[i] + ", outside the vocabulary 0.." + (vocabSize - 1)
                                + ": encode with the tokenizer whose vocabSize the model was trained with");
            }
        }
    }

    @Override
    public String toString() {
        return (order == 1 ? "unigram" : "bigram") + " model: V = " + vocabSize + ", k = " + k + ", " + total
                + " training tokens";
    }
}

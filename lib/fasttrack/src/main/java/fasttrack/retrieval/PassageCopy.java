package fasttrack.retrieval;

import fasttrack.eval.LanguageModelLoss;
import java.util.Arrays;
import java.util.Optional;

/**
 * Using a retrieved passage without a model trained to read it: an induction head written by hand.
 * Find the longest suffix of what has been written so far that also occurs in the passage; the
 * tokens that followed it there vote for the next token. Mixed with the language model,
 * <pre>
 * p(next) = (1 − w) · p_model(next) + w · p_copy(next)      when a suffix of ≥ minMatch tokens matches,
 * p(next) = p_model(next)                                   otherwise,
 * </pre>
 * it can only help where the passage really continues the text, and costs at most ln(1/(1 − w))
 * nats per token where it misleads (in the spirit of kNN-LM, Khandelwal et al. 2020, and of copy
 * mechanisms). A transformer learns to do this with attention when its training rewards copying.
 */
public final class PassageCopy {

    /** Longest suffix tried: longer matches are rare and add little. */
    static final int MAX_MATCH = 32;

    private final int[] passage;
    private final int vocabSize;
    private final int minMatch;

    public PassageCopy(int[] passage, int vocabSize, int minMatch) {
        if (passage == null || passage.length < 2)
            throw new IllegalArgumentException("the passage needs at least 2 tokens to copy from");
        if (minMatch < 1) throw new IllegalArgumentException("minMatch must be >= 1, got " + minMatch);
        for (int token : passage) {
            if (token < 0 || token >= vocabSize)
                throw new IllegalArgumentException(
                        "passage token " + token + " is outside the vocabulary 0.." + (vocabSize - 1));
        }
        this.passage = passage.clone();
        this.vocabSize = vocabSize;
        this.minMatch = minMatch;
    }

    /** The copy distribution after {@code history}, or empty when no suffix of at least minMatch tokens occurs in the passage. */
    public Optional<float[]> next(int[] history) {
        for (int length = Math.min(MAX_MATCH, history.length); length >= minMatch; length--) {
            float[] votes = new float[vocabSize];
            int found = 0;
            for (int end = length;
                    end < passage.length;
                    end++) { // passage[end − length, end) == suffix, passage[end] follows
                if (Arrays.equals(passage, end - length, end, history, history.length - length, history.length)) {
                    votes[passage[end]]++;
                    found++;
                }
            }
            if (found > 0) {
                for (int i = 0; i < vocabSize; i++) votes[i] /= found;
                return Optional.of(votes);
            }
        }
        return Optional.empty();
    }

    /** The mixture above. */
    public float[] mix(float[] model, int[] history, double weight) {
        requireWeight(weight);
        Optional<float[]> copy = next(history);
        if (copy.isEmpty()) return model.clone();
        float[] mixed = new float[model.length];
        for (int i = 0; i < mixed.length; i++) mixed[i] = (float) ((1 - weight) * model[i] + weight * copy.get()[i]);
        return mixed;
    }

    /**
     * Mean cross-entropy of {@code text[from..]} under the mixture, where {@code modelNext[t]} is the
     * model's distribution for {@code text[t + 1]} having read {@code text[0..t]} (no passage): compute
     * those once, then compare passages and weights for free.
     */
    public LanguageModelLoss loss(int[] text, int from, float[][] modelNext, double weight) {
        requireWeight(weight);
        if (from < 1 || from >= text.length)
            throw new IllegalArgumentException("from must be in 1.." + (text.length - 1) + ", got " + from);
        if (modelNext.length < text.length - 1)
            throw new IllegalArgumentException(
                    modelNext.length + " model distributions for " + (text.length - 1) + " predictions");
        double nats = 0;
        for (int t = from; t < text.length; t++) {
            nats -= Math.log(mix(modelNext[t - 1], Arrays.copyOf(text, t), weight)[text[t]]);
        }
        return new LanguageModelLoss(nats / (text.length - from), text.length - from);
    }

    private static void requireWeight(double weight) {
        if (!(weight >= 0 && weight < 1))
            throw new IllegalArgumentException("the copy weight w must be in [0, 1), got " + weight);
    }
}

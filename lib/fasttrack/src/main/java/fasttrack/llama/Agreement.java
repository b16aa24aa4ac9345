package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fasttrack.hub.JlamaReference;
import fasttrack.nn.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How closely two implementations agree on the same prompts: the largest difference between their
 * next-token probabilities at any position of any prompt, and on how many prompts their greedy
 * continuations are the same tokens.
 *
 * @param prompts            prompts compared
 * @param positions          positions compared (each a whole distribution over the vocabulary)
 * @param maxDifference      max |p_a − p_b| over every position and token
 * @param sameGreedy         prompts whose greedy continuations are identical
 * @param largestProbability the largest probability seen, to show the distributions are far from uniform
 */
public record Agreement(int prompts, int positions, double maxDifference, int sameGreedy, double largestProbability) {

    /** Compares two answers to the same prompts, in the same order. */
    public static Agreement of(List<JlamaReference.Prompt> a, List<JlamaReference.Prompt> b) {
        if (a.size() != b.size()) throw new IllegalArgumentException(a.size() + " answers against " + b.size());
        int positions = 0, same = 0;
        double max = 0, peak = 0;
        for (int p = 0; p < a.size(); p++) {
            float[][] x = a.get(p).probabilities(), y = b.get(p).probabilities();
            if (x.length != y.length)
                throw new IllegalArgumentException("prompt " + p + ": " + x.length + " positions against " + y.length);
            for (int t = 0; t < x.length; t++) {
                if (x[t].length != y[t].length)
                    throw new IllegalArgumentException(
                            "prompt " + p + ": vocabularies of " + x[t].length + " and " + y[t].length);
                for (int v = 0; v < x[t].length; v++) {
                    max = Math.max(max, Math.abs(x[t][v] - y[t][v]));
                    peak = Math.max(peak, x[t][v]);
                }
                positions++;
            }
            if (java.util.Arrays.equals(a.get(p).greedy(), b.get(p).greedy())) same++;
        }
        return new Agreement(a.size(), positions, max, same, peak);
    }

    /** Whether every distribution is within {@code tolerance} and every greedy continuation the same. */
    public boolean within(double tolerance) {
        return maxDifference <= tolerance && sameGreedy == prompts;
    }

    /**
     * The course model's answers, in the form the references give: probabilities at every position
     * from one forward pass over each prompt, then {@code greedySteps} greedy tokens decoded with the
     * KV cache.
     */
    public static List<JlamaReference.Prompt> answers(
            Llama model, List<int[]> prompts, int greedySteps, NDManager manager) {
        List<JlamaReference.Prompt> out = new ArrayList<>();
        int v = model.config().vocabSize();
        for (int[] ids : prompts) {
            try (NDManager scope = manager.newSubManager();
                    KvCache cache = model.newCache(scope)) {
                float[] flat = model.logits(scope.create(ids, new Shape(1, ids.length)))
                        .toFloatArray();
                float[][] probabilities = new float[ids.length][];
                for (int t = 0; t < ids.length; t++) {
                    float[] row = new float[v];
                    System.arraycopy(flat, t * v, row, 0, v);
                    probabilities[t] = PlainLlama.softmax(row);
                }
                int[] greedy = new int[greedySteps];
                NDArray logits = model.logitsCached(scope.create(ids, new Shape(1, ids.length)), cache);
                for (int s = 0; s < greedySteps; s++) {
                    float[] all = logits.toFloatArray();
                    float[] last = new float[v];
                    System.arraycopy(all, all.length - v, last, 0, v);
                    greedy[s] = PlainLlama.argmax(last);
                    if (s + 1 < greedySteps)
                        logits = model.logitsCached(scope.create(new int[] {greedy[s]}, new Shape(1, 1)), cache);
                }
                out.add(new JlamaReference.Prompt(ids, probabilities, greedy));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%d prompts, %d positions: max |Δp| = %.2e, greedy continuations identical on %d of %d (largest probability %.3f)",
                prompts,
                positions,
                maxDifference,
                sameGreedy,
                prompts,
                largestProbability);
    }
}

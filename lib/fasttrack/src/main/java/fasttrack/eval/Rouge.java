package fasttrack.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries"): how much of a target
 * (reference) text a prediction recovers, as Google's {@code rouge-score} package computes it without
 * stemming. The target comes first, the prediction second, as in {@code RougeScorer.score(target, prediction)}.
 * <pre>
 *   ROUGE-N:  overlap = Σ_g min(count_target(g), count_prediction(g))  over n-grams g
 *             precision = overlap / #prediction n-grams,  recall = overlap / #target n-grams
 *   ROUGE-L:  precision = LCS / |prediction|,  recall = LCS / |target|
 *             (LCS: length of the longest common subsequence, tokens in order, gaps allowed)
 *   F1 = 2·P·R / (P + R), 0 when P + R = 0
 * </pre>
 * BLEU asks how much of the output is right (precision); ROUGE was built to ask how much of the
 * reference was covered (recall), which is what matters for a summary.
 */
public final class Rouge {

    /** Precision, recall and their harmonic mean F1 (rouge-score's {@code fmeasure}). */
    public record Score(double precision, double recall, double f1) {
        static Score of(double precision, double recall) {
            return new Score(
                    precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0);
        }
    }

    private Rouge() {}

    /**
     * rouge-score's default tokenizer: lowercase, every run of characters other than a-z and 0-9
     * becomes a space, split on spaces. Accented and non-Latin letters are dropped, as there.
     */
    public static List<String> tokenize(String text) {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        String cleaned =
                text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
        return cleaned.isEmpty() ? List.of() : Arrays.asList(cleaned.split(" "));
    }

    /** ROUGE-N of two token lists; an empty one (or one shorter than n) scores 0. */
    public static Score rougeN(int n, List<String> target, List<String> prediction) {
        if (n < 1) throw new IllegalArgumentException("ROUGE-N needs n >= 1, got " + n);
        requireTokens(target, prediction);
        Map<List<String>, Integer> targetCounts = Bleu.ngramCounts(target, n),
                predictionCounts = Bleu.ngramCounts(prediction, n);
        long overlap = 0;
        for (Map.Entry<List<String>, Integer> e : targetCounts.entrySet()) {
            overlap += Math.min(e.getValue(), predictionCounts.getOrDefault(e.getKey(), 0));
        }
        long targetTotal = Math.max(0, target.size() - n + 1), predictionTotal = Math.max(0, prediction.size() - n + 1);
        return Score.of((double) overlap / Math.max(predictionTotal, 1), (double) overlap / Math.max(targetTotal, 1));
    }

    /** ROUGE-N of two texts, tokenized by {@link #tokenize}. */
    public static Score rougeN(int n, String target, String prediction) {
        return rougeN(n, tokenize(target), tokenize(prediction));
    }

    /** ROUGE-L (sentence level, rouge-score's {@code rougeL}) of two token lists; an empty one scores 0. */
    public static Score rougeL(List<String> target, List<String> prediction) {
        requireTokens(target, prediction);
        if (target.isEmpty() || prediction.isEmpty()) return new Score(0, 0, 0);
        int lcs = lcsLength(target, prediction);
        return Score.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    public static Score rougeL(String target, String prediction) {
        return rougeL(tokenize(target), tokenize(prediction));
    }

    /**
     * Length of the longest common subsequence, by dynamic programming:
     * L[i][j] = L[i−1][j−1] + 1 if a_i = b_j, else max(L[i−1][j], L[i][j−1]); one row kept at a time.
     */
    public static int lcsLength(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1], current = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = x.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }

    private static void requireTokens(List<String> target, List<String> prediction) {
        if (target == null || prediction == null)
            throw new IllegalArgumentException(
                    "target and prediction must not be null: give an empty list for no tokens");
    }
}

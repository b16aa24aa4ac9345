package fasttrack.eval;

import fasttrack.show.Format;
import fasttrack.show.TableView;
import fasttrack.show.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * BLEU (Papineni, Roukos, Ward and Zhu 2002, "BLEU: a Method for Automatic Evaluation of Machine
 * Translation"): how many of a hypothesis's n-grams appear in its references, for n = 1..N,
 * with a penalty for being too short.
 * <pre>
 *   p_n  = Σ_sentences Σ_g min(count_hyp(g), max_ref count_ref(g))  /  Σ_sentences Σ_g count_hyp(g)
 *   BP   = 1 if c > r, else exp(1 − r/c)        (c: hypothesis length, r: closest reference length)
 *   BLEU = BP · exp( Σ_n (1/N) · ln p_n )
 * </pre>
 * Clipping the count by the reference ({@code min}) is what stops "the the the the" from scoring
 * well. r is, per sentence, the reference length closest to the hypothesis (the shorter on a tie).
 * A corpus sums the counts and lengths over its sentences before dividing: corpus BLEU is not the
 * mean of sentence BLEUs.
 * <p>
 * It follows NLTK's {@code nltk.translate.bleu_score.corpus_bleu} with uniform weights, including two
 * of its details: a hypothesis with fewer than n tokens counts one unmatched n-gram (so every p_n
 * has a denominator), and no unigram match at all gives 0 whatever the smoothing.
 */
public final class Bleu {

    /** The usual BLEU-4. */
    public static final int DEFAULT_MAX_ORDER = 4;

    /**
     * What to do with an n-gram order that has no match, whose p_n = 0 would make BLEU 0
     * (Chen and Cherry 2014, "A Systematic Comparison of Smoothing Techniques for Sentence-Level BLEU").
     */
    public enum Smoothing {
        /** None: any p_n = 0 gives BLEU 0 (NLTK warns and puts the smallest positive double in place of that p_n, giving a score near 0). */
        NONE,
        /** Chen and Cherry's method 1 (NLTK {@code SmoothingFunction().method1}): a zero p_n becomes ε / total, ε = 0.1. */
        ADD_EPSILON,
        /** Method 2 (Lin and Och 2004; NLTK {@code method2}): p_n = (matches + 1) / (total + 1) for every n > 1. */
        ADD_ONE
    }

    /** ε of {@link Smoothing#ADD_EPSILON}, NLTK's default. */
    public static final double EPSILON = 0.1;

    /** The clipped matches and the hypothesis n-grams of one order; {@code value()} is p_n before smoothing. */
    public record Precision(int n, long matches, long total) {
        public double value() {
            return (double) matches / total;
        }
    }

    /**
     * A BLEU score with what it is made of, so each factor can be shown and checked.
     *
     * @param score             BP · geometric mean of the (smoothed) precisions, in [0, 1]
     * @param precisions        p_1 .. p_N as counts, before smoothing
     * @param brevityPenalty    BP
     * @param hypothesisLength  c, summed over the corpus
     * @param referenceLength   r, summed over the corpus
     */
    public record Result(
            double score,
            List<Precision> precisions,
            double brevityPenalty,
            long hypothesisLength,
            long referenceLength,
            Smoothing smoothing) {
        public Result {
            precisions = List.copyOf(precisions);
        }

        /** p_n before smoothing, n from 1. */
        public double precision(int n) {
            if (n < 1 || n > precisions.size())
                throw new IllegalArgumentException("n must be in 1.." + precisions.size() + ", got " + n);
            return precisions.get(n - 1).value();
        }

        /** One row per n-gram order: matches, total, p_n; the caption has BP and the score. */
        public TableView table() {
            return Tables.of(String.format(
                            Locale.ROOT,
                            "BLEU %.4f = BP %.4f × geometric mean of p_n (c = %d, r = %d, smoothing %s)",
                            score,
                            brevityPenalty,
                            hypothesisLength,
                            referenceLength,
                            smoothing))
                    .column("n", precisions.stream().mapToInt(Precision::n))
                    .column("matches (clipped)", precisions.stream().mapToLong(Precision::matches), Format.COUNT)
                    .column("hypothesis n-grams", precisions.stream().mapToLong(Precision::total), Format.COUNT)
                    .column("p_n", precisions.stream().mapToDouble(Precision::value), Format.decimals(4));
        }
    }

    private Bleu() {}

    /** BLEU-4 of one hypothesis against its references, no smoothing. */
    public static Result sentence(List<String> hypothesis, List<List<String>> references) {
        return sentence(hypothesis, references, DEFAULT_MAX_ORDER, Smoothing.NONE);
    }

    public static Result sentence(
            List<String> hypothesis, List<List<String>> references, int maxOrder, Smoothing smoothing) {
        return corpus(List.of(hypothesis), List.of(references), maxOrder, smoothing);
    }

    /** BLEU-4 of a corpus, no smoothing: {@code references.get(i)} are the references of {@code hypotheses.get(i)}. */
    public static Result corpus(List<List<String>> hypotheses, List<List<List<String>>> references) {
        return corpus(hypotheses, references, DEFAULT_MAX_ORDER, Smoothing.NONE);
    }

    public static Result corpus(
            List<List<String>> hypotheses, List<List<List<String>>> references, int maxOrder, Smoothing smoothing) {
        if (maxOrder < 1) throw new IllegalArgumentException("maxOrder (N) must be at least 1, got " + maxOrder);
        if (smoothing == null)
            throw new IllegalArgumentException("smoothing must not be null: use Smoothing.NONE for none");
        if (hypotheses == null || references == null || hypotheses.isEmpty()) {
            throw new IllegalArgumentException("give at least one hypothesis and its references");
        }
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size()
                    + " reference lists: give one list of references per hypothesis");
        }
        long[] matches = new long[maxOrder], totals = new long[maxOrder];
        long c = 0, r = 0;
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hypothesis = hypotheses.get(s);
            List<List<String>> refs = references.get(s);
            if (hypothesis == null)
                throw new IllegalArgumentException(
                        "hypothesis " + s + " is null: give an empty list for an empty output");
            if (refs == null || refs.isEmpty())
                throw new IllegalArgumentException("hypothesis " + s + " has no references: give at least one");
            for (int n = 1; n <= maxOrder; n++) {
                Map<List<String>, Integer> counts = ngramCounts(hypothesis, n);
                Map<List<String>, Integer> maxRef = new HashMap<>();
                for (List<String> ref : refs) {
                    if (ref == null) throw new IllegalArgumentException("hypothesis " + s + " has a null reference");
                    ngramCounts(ref, n).forEach((g, k) -> {
                        if (counts.containsKey(g)) maxRef.merge(g, k, Math::max);
                    });
                }
                long clipped = 0, total = 0;
                for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
                    clipped += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                    total += e.getValue();
                }
                matches[n - 1] += clipped;
                totals[n - 1] += Math.max(1, total); // as NLTK: too short a hypothesis counts one unmatched n-gram
            }
            c += hypothesis.size();
            r += closestReferenceLength(refs, hypothesis.size());
        }
        double bp = brevityPenalty(c, r);
        List<Precision> precisions = IntStream.range(0, maxOrder)
                .mapToObj(i -> new Precision(i + 1, matches[i], totals[i]))
                .toList();
        return new Result(score(precisions, bp, smoothing), precisions, bp, c, r, smoothing);
    }

    /** BP = 1 if c > r, exp(1 − r/c) otherwise; 0 for an empty hypothesis (c = 0). */
    public static double brevityPenalty(long hypothesisLength, long referenceLength) {
        if (hypothesisLength > referenceLength) return 1;
        if (hypothesisLength == 0) return 0;
        return Math.exp(1 - (double) referenceLength / hypothesisLength);
    }

    /** The reference length closest to the hypothesis length; the shorter one on a tie (Papineni et al., NLTK). */
    static int closestReferenceLength(List<List<String>> references, int hypothesisLength) {
        int best = references.get(0).size();
        for (List<String> ref : references) {
            int len = ref.size(), d = Math.abs(len - hypothesisLength), bestD = Math.abs(best - hypothesisLength);
            if (d < bestD || (d == bestD && len < best)) best = len;
        }
        return best;
    }

    private static double score(List<Precision> precisions, double bp, Smoothing smoothing) {
        if (precisions.get(0).matches() == 0) return 0;
        double weight = 1.0 / precisions.size(), logSum = 0;
        for (Precision p : precisions) {
            double value = switch (smoothing) {
                case NONE -> p.value();
                case ADD_EPSILON -> p.matches() == 0 ? EPSILON / p.total() : p.value();
                case ADD_ONE -> p.n() == 1 ? p.value() : (p.matches() + 1.0) / (p.total() + 1.0);
            };
            if (value == 0) return 0;
            logSum += weight * Math.log(value); // uniform weights, summed as NLTK does
        }
        return bp * Math.exp(logSum);
    }

    /** How often each n-gram (a view of n consecutive tokens) occurs in {@code tokens}. */
    static Map<List<String>, Integer> ngramCounts(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++)
            counts.merge(new ArrayList<>(tokens.subList(i, i + n)), 1, Integer::sum);
        return counts;
    }
}

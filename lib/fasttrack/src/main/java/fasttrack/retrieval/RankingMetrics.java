package fasttrack.retrieval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How good a ranking is, given the set of relevant documents (binary relevance):
 * <pre>
 * recall@k = |relevant ∩ top k| / |relevant|
 * RR       = 1 / rank of the first relevant document (0 if none is ranked)      MRR = its mean over queries
 * DCG@k    = Σ_{i ≤ k, doc i relevant} 1 / log2(i + 1)      nDCG@k = DCG@k / DCG@k of the ideal ranking
 * </pre>
 * Ranks count from 1. A ranking lists distinct documents, as these formulas assume (trec_eval and
 * scikit-learn score each document once): every metric refuses a ranking that repeats a document,
 * wherever the repeat sits. Counted once per copy, [5, 5, 5] with relevant {5} would score
 * recall@3 = 3 and nDCG@3 = 2.13; silently keeping the first copy would hide the bug that made the
 * repeat (a merge or fusion that did not deduplicate) and score a list other than the one given.
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    public static double recallAt(int k, List<Integer> ranked, Set<Integer> relevant) {
        require(k, ranked, relevant);
        long found = ranked.stream().limit(k).filter(relevant::contains).count();
        return (double) found / relevant.size();
    }

    public static double reciprocalRank(List<Integer> ranked, Set<Integer> relevant) {
        require(1, ranked, relevant);
        for (int i = 0; i < ranked.size(); i++) if (relevant.contains(ranked.get(i))) return 1.0 / (i + 1);
        return 0;
    }

    public static double ndcgAt(int k, List<Integer> ranked, Set<Integer> relevant) {
        require(k, ranked, relevant);
        double dcg = 0, ideal = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++)
            if (relevant.contains(ranked.get(i))) dcg += 1 / log2(i + 2);
        for (int i = 0; i < Math.min(k, relevant.size()); i++) ideal += 1 / log2(i + 2);
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static void require(int k, List<Integer> ranked, Set<Integer> relevant) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        if (ranked == null)
            throw new IllegalArgumentException(
                    "the ranking must not be null (an empty list is a ranking that found nothing)");
        if (relevant == null || relevant.isEmpty())
            throw new IllegalArgumentException("a query needs at least one relevant document to be scored");
        requireDistinct(ranked, "the ranking");
    }

    /** Refuses a null document or a document listed twice in {@code ranking}, naming it {@code name} in the message. */
    static void requireDistinct(List<Integer> ranking, String name) {
        Map<Integer, Integer> rankOf = new HashMap<>();
        for (int i = 0; i < ranking.size(); i++) {
            Integer document = ranking.get(i);
            if (document == null)
                throw new IllegalArgumentException(
                        name + " has null at rank " + (i + 1) + ": a ranking holds document indices");
            Integer earlier = rankOf.putIfAbsent(document, i + 1);
            if (earlier != null) {
                throw new IllegalArgumentException(name + " has document " + document + " at ranks " + earlier + " and "
                        + (i + 1) + ": a ranking lists each document once (keep its first rank and drop the repeats)");
            }
        }
    }
}

package fasttrack.retrieval;

import java.util.List;
import java.util.Set;

/**
 * How good a ranking is, given the set of relevant documents (binary relevance):
 * <pre>
 * recall@k = |relevant ∩ top k| / |relevant|
 * RR       = 1 / rank of the first relevant document (0 if none is ranked)      MRR = its mean over queries
 * DCG@k    = Σ_{i ≤ k, doc i relevant} 1 / log2(i + 1)      nDCG@k = DCG@k / DCG@k of the ideal ranking
 * </pre>
 * Ranks count from 1.
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
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (relevant.contains(ranked.get(i))) dcg += 1 / log2(i + 2);
        for (int i = 0; i < Math.min(k, relevant.size()); i++) ideal += 1 / log2(i + 2);
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static void require(int k, List<Integer> ranked, Set<Integer> relevant) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        if (ranked == null) throw new IllegalArgumentException("the ranking must not be null (an empty list is a ranking that found nothing)");
        if (relevant == null || relevant.isEmpty()) throw new IllegalArgumentException("a query needs at least one relevant document to be scored");
    }
}

package fasttrack.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): a document's fused score is
 * Σ over rankings of 1 / (k + its rank there), ranks from 1. Only ranks are used, so rankers whose
 * scores live on different scales (BM25's unbounded sums, cosines in [−1, 1]) combine without
 * calibration; k = 60 damps the weight of the very top ranks.
 */
public final class ReciprocalRankFusion {

    public static final int K = 60;

    private ReciprocalRankFusion() {}

    /** The best {@code n} documents by fused score with k = 60 (ties: lower index first). */
    public static List<Hit> fuse(List<List<Integer>> rankings, int n) {
        return fuse(rankings, n, K);
    }

    public static List<Hit> fuse(List<List<Integer>> rankings, int n, int k) {
        if (rankings == null || rankings.isEmpty()) throw new IllegalArgumentException("fuse at least one ranking");
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        Map<Integer, Double> scores = new HashMap<>();
        for (List<Integer> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) scores.merge(ranking.get(i), 1.0 / (k + i + 1), Double::sum);
        }
        List<Hit> fused = new ArrayList<>();
        scores.forEach((document, score) -> fused.add(new Hit(document, score)));
        fused.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparingInt(Hit::document));
        return List.copyOf(fused.subList(0, Math.min(n, fused.size())));
    }
}

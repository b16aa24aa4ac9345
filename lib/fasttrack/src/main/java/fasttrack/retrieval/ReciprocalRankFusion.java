package fasttrack.retrieval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): a document's fused score is
 * Σ over rankings of 1 / (k + its rank there), ranks from 1. Only ranks are used, so rankers whose
 * scores live on different scales (BM25's unbounded sums, cosines in [−1, 1]) combine without
 * calibration; k = 60 damps the weight of the very top ranks.
 * <p>
 * Each ranking lists distinct documents, as in {@link RankingMetrics}: a repeat within one ranking
 * is refused (counted twice it would add a second term). The same document in several rankings is
 * what fusion adds up. Scores are summed as exact fractions, so a tie is a tie: 1/66 + 1/99 and
 * 1/72 + 1/88 both equal 5/198, though added in double the first is one ulp larger, and the same
 * ranks met in another order of rankings can round apart too. Each hit reports its exact score
 * rounded once to double.
 */
public final class ReciprocalRankFusion {

    public static final int K = 60;

    private ReciprocalRankFusion() {}

    /** The best {@code n} documents by fused score with k = 60 (ties: lower index first). */
    public static List<Hit> fuse(List<List<Integer>> rankings, int n) {
        return fuse(rankings, n, K);
    }

    /** The best {@code n} documents by Σ 1 / (k + rank), best first (ties, equal in exact arithmetic: lower index first). */
    public static List<Hit> fuse(List<List<Integer>> rankings, int n, int k) {
        if (rankings == null || rankings.isEmpty()) throw new IllegalArgumentException("fuse at least one ranking");
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        Map<Integer, Fraction> scores = new HashMap<>();
        for (int r = 0; r < rankings.size(); r++) {
            List<Integer> ranking = rankings.get(r);
            if (ranking == null)
                throw new IllegalArgumentException(
                        "ranking " + r + " is null: pass an empty list for a ranker that found nothing");
            RankingMetrics.requireDistinct(ranking, "ranking " + r);
            for (int i = 0; i < ranking.size(); i++)
                scores.merge(ranking.get(i), Fraction.reciprocal((long) k + i + 1), Fraction::plus);
        }
        List<Map.Entry<Integer, Fraction>> fused = new ArrayList<>(scores.entrySet());
        fused.sort(
                Map.Entry.<Integer, Fraction>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return fused.stream()
                .limit(n)
                .map(e -> new Hit(e.getKey(), e.getValue().toDouble()))
                .toList();
    }

    /** p / q in lowest terms, q > 0: sums of 1 / (k + rank) without rounding. */
    private record Fraction(BigInteger p, BigInteger q) implements Comparable<Fraction> {

        static Fraction reciprocal(long denominator) {
            return new Fraction(BigInteger.ONE, BigInteger.valueOf(denominator));
        }

        Fraction plus(Fraction other) {
            BigInteger sumP = p.multiply(other.q).add(other.p.multiply(q)),
                    sumQ = q.multiply(other.q),
                    gcd = sumP.gcd(sumQ);
            return new Fraction(sumP.divide(gcd), sumQ.divide(gcd));
        }

        @Override
        public int compareTo(Fraction other) {
            return p.multiply(other.q).compareTo(other.p.multiply(q));
        }

        double toDouble() {
            return new BigDecimal(p)
                    .divide(new BigDecimal(q), MathContext.DECIMAL128)
                    .doubleValue();
        }
    }
}

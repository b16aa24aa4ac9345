package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    /** Ranking 7, 3, 9, 1 with relevant {3, 1, 5}: relevant at ranks 2 and 4, one never ranked. */
    @Test
    void metricsOnAHandMadeRanking() {
        List<Integer> ranked = List.of(7, 3, 9, 1);
        Set<Integer> relevant = Set.of(3, 1, 5);
        assertEquals(0, RankingMetrics.recallAt(1, ranked, relevant));
        assertEquals(1.0 / 3, RankingMetrics.recallAt(2, ranked, relevant), 1e-12);
        assertEquals(2.0 / 3, RankingMetrics.recallAt(10, ranked, relevant), 1e-12);
        assertEquals(0.5, RankingMetrics.reciprocalRank(ranked, relevant));
        // DCG@4 = 1/log2(3) + 1/log2(5); ideal (3 relevant, all on top) = 1 + 1/log2(3) + 1/2.
        double dcg = 1 / log2(3) + 1 / log2(5), ideal = 1 + 1 / log2(3) + 0.5;
        assertEquals(dcg / ideal, RankingMetrics.ndcgAt(4, ranked, relevant), 1e-12);
        assertEquals(1, RankingMetrics.ndcgAt(10, List.of(3, 1, 5), relevant), 1e-12, "the ideal ranking scores 1");
        assertEquals(0, RankingMetrics.reciprocalRank(List.of(), relevant), "nothing found");
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.recallAt(5, ranked, Set.of()));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.ndcgAt(0, ranked, relevant));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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

    /** Counted once per copy, [5, 5, 5] with relevant {5} would score recall@3 = 3 and nDCG@3 = 2.13: a ranking lists distinct documents. */
    @Test
    void everyMetricRefusesARankingWithARepeatedDocument() {
        List<Integer> repeated = List.of(5, 5, 5);
        Set<Integer> relevant = Set.of(5);
        Map<String, Executable> metrics = Map.of(
                "recall@3", () -> RankingMetrics.recallAt(3, repeated, relevant),
                "reciprocal rank", () -> RankingMetrics.reciprocalRank(repeated, relevant),
                "nDCG@3", () -> RankingMetrics.ndcgAt(3, repeated, relevant));
        metrics.forEach((name, metric) -> assertRefused("document 5 at ranks 1 and 2", metric, name));
    }

    @Test
    void aRepeatBelowKOrOfAnIrrelevantDocumentIsRefusedToo() {
        List<Integer> ranked = List.of(7, 9, 3, 9); // 9 at ranks 2 and 4, irrelevant, below k = 1
        assertRefused("document 9 at ranks 2 and 4", () -> RankingMetrics.recallAt(1, ranked, Set.of(3)), "recall@1");
        assertRefused("document 9 at ranks 2 and 4", () -> RankingMetrics.ndcgAt(1, ranked, Set.of(3)), "nDCG@1");
        assertRefused(
                "document 9 at ranks 2 and 4",
                () -> RankingMetrics.reciprocalRank(ranked, Set.of(7)),
                "reciprocal rank");
        assertRefused(
                "null at rank 2", () -> RankingMetrics.recallAt(1, Arrays.asList(7, null), Set.of(7)), "recall@1");
    }

    private static void assertRefused(String part, Executable metric, String name) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, metric, name + " must refuse a repeated document");
        assertTrue(
                e.getMessage().contains(part),
                name + ": message '" + e.getMessage() + "' should contain '" + part + "'");
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

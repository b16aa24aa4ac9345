package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    /**
     * Rankings [4, 7, 2] and [2, 9, 4], k = 60:
     * 4: 1/61 + 1/63, 2: 1/63 + 1/61 (a tie), 7: 1/62, 9: 1/62 (a tie).
     */
    @Test
    void fusedScoresMatchTheFormulaByHand() {
        List<Hit> fused = ReciprocalRankFusion.fuse(List.of(List.of(4, 7, 2), List.of(2, 9, 4)), 10);
        assertEquals(List.of(2, 4, 7, 9), Hit.documents(fused), "ties broken by lower index");
        assertEquals(1.0 / 61 + 1.0 / 63, fused.get(0).score(), 1e-15);
        assertEquals(1.0 / 61 + 1.0 / 63, fused.get(1).score(), 1e-15);
        assertEquals(1.0 / 62, fused.get(2).score(), 1e-15);
        assertEquals(1.0 / 62, fused.get(3).score(), 1e-15);
    }

    @Test
    void aDocumentRankedHighByBothBeatsOneRankedFirstByOne() {
        // 5 is first in one ranking only; 3 is second in both: 2/62 > 1/61.
        List<Hit> fused = ReciprocalRankFusion.fuse(List.of(List.of(5, 3, 8), List.of(1, 3, 6)), 10);
        assertEquals(List.of(3, 1, 5, 6, 8), Hit.documents(fused));
        assertEquals(2.0 / 62, fused.get(0).score(), 1e-15);
        assertEquals(
                1.0 / 61, fused.get(1).score(), 1e-15, "a document in only one ranking gets only that ranking's term");
        for (int i = 1; i < fused.size(); i++)
            assertTrue(fused.get(i - 1).score() >= fused.get(i).score(), "best first");
    }

    @Test
    void nTruncatesAndKChangesTheWeights() {
        List<List<Integer>> rankings = List.of(List.of(5, 3, 8), List.of(1, 3, 6));
        assertEquals(List.of(3, 1), Hit.documents(ReciprocalRankFusion.fuse(rankings, 2)));
        assertEquals(List.of(3), Hit.documents(ReciprocalRankFusion.fuse(rankings, 1)));
        // k = 0: first place in one ranking (1/1) now ties with second place in both (1/2 + 1/2).
        List<Hit> sharp = ReciprocalRankFusion.fuse(rankings, 3, 0);
        assertEquals(List.of(1, 3, 5), Hit.documents(sharp));
        assertEquals(1.0, sharp.get(0).score(), 1e-15);
        assertEquals(1.0, sharp.get(1).score(), 1e-15);
        assertEquals(1.0, sharp.get(2).score(), 1e-15);
        assertEquals(
                List.of(7),
                Hit.documents(ReciprocalRankFusion.fuse(List.of(List.of(7)), 5)),
                "fewer documents than n: all of them");
    }

    /**
     * 1/(60+6) + 1/(60+39) = 1/(60+12) + 1/(60+28) = 5/198: a tie, though added in double the first sum is one
     * ulp larger (found by searching ranks up to 40 for equal fractions with unequal double sums).
     */
    @Test
    void equalSumsOfDifferentRanksTieExactly() {
        assertTrue(
                1.0 / 66 + 1.0 / 99 > 1.0 / 72 + 1.0 / 88,
                "plain double sums break this tie in favour of ranks 6 and 39");
        List<Integer> first = ranking(39, 100), second = ranking(39, 200);
        first.set(6 - 1, 2); // document 2 at ranks 6 and 39
        second.set(39 - 1, 2);
        first.set(12 - 1, 1); // document 1 at ranks 12 and 28
        second.set(28 - 1, 1);
        assertTiedLowerIndexFirst(ReciprocalRankFusion.fuse(List.of(first, second), 100), 1, 2, 5.0 / 198);
    }

    /**
     * The same ranks in another order of rankings: 1/61 + 1/62 + 1/67 in that order is one ulp above
     * 1/67 + 1/61 + 1/62 in double, though the sums are equal.
     */
    @Test
    void theSameRanksInAnotherOrderTieExactly() {
        assertTrue(
                1.0 / 61 + 1.0 / 62 + 1.0 / 67 > 1.0 / 67 + 1.0 / 61 + 1.0 / 62,
                "plain double sums in ranking order break this tie");
        List<Integer> a = ranking(7, 100), b = ranking(7, 200), c = ranking(7, 300);
        a.set(0, 2);
        b.set(1, 2);
        c.set(6, 2); // document 2 at ranks 1, 2, 7
        a.set(6, 1);
        b.set(0, 1);
        c.set(1, 1); // document 1 at ranks 7, 1, 2
        assertTiedLowerIndexFirst(
                ReciprocalRankFusion.fuse(List.of(a, b, c), 100), 1, 2, 1.0 / 61 + 1.0 / 62 + 1.0 / 67);
    }

    @Test
    void aDocumentRepeatedWithinOneRankingIsRefused() {
        // Counted twice, 5 would score 1/62 + 1/64 from the second ranking alone.
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ReciprocalRankFusion.fuse(List.of(List.of(1, 2), List.of(3, 5, 4, 5)), 10));
        assertTrue(e.getMessage().contains("ranking 1 has document 5 at ranks 2 and 4"), e.getMessage());
        assertEquals(
                2.0 / 61,
                ReciprocalRankFusion.fuse(List.of(List.of(5), List.of(5)), 1)
                        .get(0)
                        .score(),
                1e-15,
                "the same document in two rankings is what fusion adds up");
    }

    /** {@code length} filler documents numbered from {@code from}, to be overwritten at chosen ranks. */
    private static List<Integer> ranking(int length, int from) {
        List<Integer> ranking = new ArrayList<>();
        for (int i = 0; i < length; i++) ranking.add(from + i);
        return ranking;
    }

    private static void assertTiedLowerIndexFirst(List<Hit> fused, int lower, int higher, double score) {
        List<Integer> documents = Hit.documents(fused);
        int at = documents.indexOf(lower);
        assertEquals(higher, documents.get(at + 1), "a tie goes to the lower index: " + documents);
        assertEquals(fused.get(at).score(), fused.get(at + 1).score(), "equal sums are equal scores");
        assertEquals(score, fused.get(at).score(), 1e-15);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(List.of(), 5));
        assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(null, 5));
        var n = assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(List.of(List.of(1)), 0));
        assertTrue(n.getMessage().contains("got 0"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(List.of(List.of(1)), 1, -1));
    }
}

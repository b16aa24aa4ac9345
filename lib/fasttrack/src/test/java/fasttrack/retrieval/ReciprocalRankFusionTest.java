package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(1.0 / 61, fused.get(1).score(), 1e-15, "a document in only one ranking gets only that ranking's term");
        for (int i = 1; i < fused.size(); i++) assertTrue(fused.get(i - 1).score() >= fused.get(i).score(), "best first");
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
        assertEquals(List.of(7), Hit.documents(ReciprocalRankFusion.fuse(List.of(List.of(7)), 5)), "fewer documents than n: all of them");
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

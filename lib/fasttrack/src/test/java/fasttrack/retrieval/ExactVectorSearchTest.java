package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactVectorSearchTest {

    /** Four 2-d vectors, deliberately not of unit length: east, north-east, north, west. */
    private static final float[][] VECTORS = {{3, 0}, {2, 2}, {0, 0.5f}, {-4, 0}};

    @Test
    void scoresAreCosinesBestFirst() {
        ExactVectorSearch search = new ExactVectorSearch(VECTORS);
        assertEquals(4, search.size());
        List<Hit> hits = search.search(new float[] {10, 0}, 4);
        assertEquals(List.of(0, 1, 2, 3), Hit.documents(hits));
        assertEquals(1, hits.get(0).score(), 1e-6, "lengths do not matter: same direction, cosine 1");
        assertEquals(Math.sqrt(0.5), hits.get(1).score(), 1e-6);
        assertEquals(0, hits.get(2).score(), 1e-6);
        assertEquals(-1, hits.get(3).score(), 1e-6);

        // Query (1, 3): cos with (1,1) = 4/√20, with (0,1) = 3/√10, with (1,0) = 1/√10, with (−1,0) = −1/√10.
        List<Hit> tilted = search.search(new float[] {1, 3}, 2);
        assertEquals(List.of(2, 1), Hit.documents(tilted));
        assertEquals(3 / Math.sqrt(10), tilted.get(0).score(), 1e-6);
        assertEquals(4 / Math.sqrt(20), tilted.get(1).score(), 1e-6);
    }

    @Test
    void tiesGoToTheLowerIndexAndKCapsAtN() {
        ExactVectorSearch search = new ExactVectorSearch(new float[][] {{0, 1}, {1, 0}, {2, 0}, {0, 5}});
        assertEquals(List.of(1, 2), Hit.documents(search.search(new float[] {1, 0}, 2)));
        assertEquals(List.of(0), Hit.documents(search.search(new float[] {0, 1}, 1)));
        List<Hit> all = search.search(new float[] {1, 1}, 10);
        assertEquals(4, all.size(), "k larger than N returns N");
        assertEquals(List.of(0, 1, 2, 3), Hit.documents(all), "all four at cos 45°: index order");
    }

    @Test
    void badArgumentsAreRefusedWithBothLengths() {
        ExactVectorSearch search = new ExactVectorSearch(VECTORS);
        var e = assertThrows(IllegalArgumentException.class, () -> search.search(new float[] {1, 2, 3}, 1));
        assertTrue(e.getMessage().contains("length 3") && e.getMessage().contains("vectors 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> search.search(new float[] {1, 0}, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExactVectorSearch(new float[0][]));
        var ragged = assertThrows(
                IllegalArgumentException.class, () -> new ExactVectorSearch(new float[][] {{1, 0}, {1, 0, 0}}));
        assertTrue(ragged.getMessage().contains("vector 1 has length 3"), ragged.getMessage());
    }
}

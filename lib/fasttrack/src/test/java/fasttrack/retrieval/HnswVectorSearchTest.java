package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HnswVectorSearchTest {

    private static final int N = 2_000, DIMENSION = 16, QUERIES = 50;

    private static float[][] vectors;
    private static HnswVectorSearch hnsw;
    private static ExactVectorSearch exact;

    @BeforeAll
    static void index() {
        vectors = randomUnitVectors(new Random(16), N);
        hnsw = new HnswVectorSearch(vectors);
        exact = new ExactVectorSearch(vectors);
    }

    @AfterAll
    static void close() {
        hnsw.close();
    }

    private static float[][] randomUnitVectors(Random random, int count) {
        float[][] out = new float[count][DIMENSION];
        for (float[] v : out) for (int i = 0; i < DIMENSION; i++) v[i] = (float) random.nextGaussian();
        for (int i = 0; i < count; i++) out[i] = MiniLmEncoder.normalise(out[i]);
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    @Test
    void recallAt10AgainstExactSearchIsHigh() {
        float[][] queries = randomUnitVectors(new Random(99), QUERIES);
        double recall = 0;
        for (float[] query : queries) {
            Set<Integer> truth = new HashSet<>(Hit.documents(exact.search(query, 10)));
            List<Integer> found = Hit.documents(hnsw.search(query, 10, 100));
            assertEquals(10, found.size());
            recall += RankingMetrics.recallAt(10, found, truth);
        }
        recall /= QUERIES;
        assertTrue(recall >= 0.9, "mean recall@10 with 100 candidates: " + recall);
    }

    @Test
    void scoresAreTheExactCosinesOfTheReturnedDocuments() {
        float[][] queries = randomUnitVectors(new Random(5), 10);
        for (float[] query : queries) {
            List<Hit> hits = hnsw.search(query, 10, 50);
            for (int i = 0; i < hits.size(); i++) {
                Hit hit = hits.get(i);
                assertEquals(cosine(query, vectors[hit.document()]), hit.score(), 1e-5, "hit " + i);
                if (i > 0) assertTrue(hits.get(i - 1).score() >= hit.score(), "best first");
            }
        }
    }

    @Test
    void anIndexedVectorsNearestNeighbourIsItself() {
        for (int d : new int[] {0, 1, 777, 1_500, N - 1}) {
            List<Hit> hits = hnsw.search(vectors[d], 1, 50);
            assertEquals(List.of(d), Hit.documents(hits));
            assertEquals(1, hits.get(0).score(), 1e-5);
        }
        float[] scaled = vectors[42].clone();
        for (int i = 0; i < DIMENSION; i++) scaled[i] *= 7;
        assertEquals(42, hnsw.search(scaled, 1, 50).get(0).document(), "queries are normalised too");
    }

    @Test
    void badArgumentsAreRefused() {
        var many = assertThrows(IllegalArgumentException.class, () -> hnsw.search(vectors[0], 20, 10));
        assertTrue(many.getMessage().contains("k 20, candidates 10"), many.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hnsw.search(vectors[0], 0));
        var wrong = assertThrows(IllegalArgumentException.class, () -> hnsw.search(new float[8], 5));
        assertTrue(
                wrong.getMessage().contains("length 8") && wrong.getMessage().contains("vectors 16"),
                wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HnswVectorSearch(new float[0][]));
        assertThrows(IllegalArgumentException.class, () -> new HnswVectorSearch(vectors, 0, 100));
    }
}

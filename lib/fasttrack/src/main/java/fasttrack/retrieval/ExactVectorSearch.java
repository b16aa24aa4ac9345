package fasttrack.retrieval;

import java.util.List;
import java.util.PriorityQueue;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact nearest neighbours by cosine similarity: every document vector is compared with the query.
 * Vectors are normalised once, so the cosine is a dot product. Cost: N·d multiply-adds per query,
 * the baseline approximate search must match.
 */
public final class ExactVectorSearch {

    private final float[][] unitVectors;

    public ExactVectorSearch(float[][] vectors) {
        if (vectors == null || vectors.length == 0) throw new IllegalArgumentException("index at least one vector");
        unitVectors = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != vectors[0].length) {
                throw new IllegalArgumentException(
                        "vector " + i + " has length " + vectors[i].length + ", vector 0 has " + vectors[0].length);
            }
            unitVectors[i] = MiniLmEncoder.normalise(vectors[i]);
        }
    }

    public int size() {
        return unitVectors.length;
    }

    /** The {@code k} most similar documents, best first, scored by cosine similarity (ties: lower index first). */
    public List<Hit> search(float[] query, int k) {
        if (query.length != unitVectors[0].length) {
            throw new IllegalArgumentException("the query has length " + query.length + ", the indexed vectors "
                    + unitVectors[0].length + ": encode it with the same model");
        }
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        float[] q = MiniLmEncoder.normalise(query);
        // A min-heap of the best k so far: the root is the one to evict.
        PriorityQueue<Hit> best = new PriorityQueue<>((a, b) -> a.score() != b.score()
                ? Double.compare(a.score(), b.score())
                : Integer.compare(b.document(), a.document()));
        for (int d = 0; d < unitVectors.length; d++) {
            double score = VectorUtil.dotProduct(q, unitVectors[d]); // Lucene's kernel, as its HNSW uses
            if (best.size() < k) best.add(new Hit(d, score));
            else if (score > best.peek().score()) {
                best.poll();
                best.add(new Hit(d, score));
            }
        }
        Hit[] ranked = new Hit[best.size()];
        for (int i = ranked.length - 1; i >= 0; i--) ranked[i] = best.poll();
        return List.of(ranked);
    }
}

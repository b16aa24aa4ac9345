package fasttrack.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Okapi BM25 (Robertson et al.), as Lucene's {@code BM25Similarity} computes it. For a query term t
 * and a document d of length |d| (in terms) in a collection of N documents with mean length avgdl:
 * <pre>
 * idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))            df: documents containing t
 * score(t, d) = idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))   tf: occurrences of t in d
 * </pre>
 * summed over the query's terms (a repeated query term counts each time, as in Lucene). k1 bounds
 * what repeating a term can add (saturation), b scales how much long documents are discounted.
 * The classic formula also multiplies by (k1 + 1); Lucene dropped that constant, which changes no
 * ranking.
 */
public final class Bm25 {

    /** Lucene's defaults. */
    public static final double K1 = 1.2, B = 0.75;

    private final double k1;
    private final double b;
    private final List<Map<String, Integer>> termFrequencies = new ArrayList<>();
    private final int[] lengths;
    private final Map<String, Integer> documentFrequency = new HashMap<>();
    private final double averageLength;

    private Bm25(List<List<String>> documents, double k1, double b) {
        if (documents == null || documents.isEmpty()) throw new IllegalArgumentException("index at least one document");
        if (!(k1 >= 0) || Double.isInfinite(k1))
            throw new IllegalArgumentException("k1 must be a finite number >= 0, got " + k1);
        if (!(b >= 0 && b <= 1)) throw new IllegalArgumentException("b must be in [0, 1], got " + b);
        this.k1 = k1;
        this.b = b;
        lengths = new int[documents.size()];
        long total = 0;
        for (int d = 0; d < documents.size(); d++) {
            Map<String, Integer> tf = new HashMap<>();
            for (String term : documents.get(d)) tf.merge(term, 1, Integer::sum);
            termFrequencies.add(tf);
            for (String term : tf.keySet()) documentFrequency.merge(term, 1, Integer::sum);
            lengths[d] = documents.get(d).size();
            total += lengths[d];
        }
        averageLength = (double) total / documents.size();
    }

    /** An index of documents given as their terms (analysed already), with k1 = 1.2 and b = 0.75. */
    public static Bm25 index(List<List<String>> documents) {
        return new Bm25(documents, K1, B);
    }

    public static Bm25 index(List<List<String>> documents, double k1, double b) {
        return new Bm25(documents, k1, b);
    }

    public int size() {
        return lengths.length;
    }

    /** ln(1 + (N − df + 0.5) / (df + 0.5)); a term in no document gets the largest idf, and matches nothing. */
    public double idf(String term) {
        int df = documentFrequency.getOrDefault(term, 0);
        return Math.log(1 + (lengths.length - df + 0.5) / (df + 0.5));
    }

    /** The BM25 score of {@code document} for the query terms. */
    public double score(List<String> query, int document) {
        requireQuery(query);
        if (document < 0 || document >= lengths.length)
            throw new IllegalArgumentException("document " + document + " is not in 0.." + (lengths.length - 1));
        double score = 0;
        double norm = k1 * (1 - b + b * lengths[document] / averageLength);
        for (String term : query) {
            int tf = termFrequencies.get(document).getOrDefault(term, 0);
            if (tf > 0) score += idf(term) * tf / (tf + norm);
        }
        return score;
    }

    /** The {@code k} best documents that contain at least one query term, best first (ties: lower index first). */
    public List<Hit> search(List<String> query, int k) {
        requireQuery(query);
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        List<Hit> hits = new ArrayList<>();
        for (int d = 0; d < lengths.length; d++) {
            boolean matches = false;
            for (String term : query) matches |= termFrequencies.get(d).containsKey(term);
            if (matches) hits.add(new Hit(d, score(query, d)));
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparingInt(Hit::document));
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    private static void requireQuery(List<String> query) {
        if (query == null || query.isEmpty()) {
            throw new IllegalArgumentException(
                    "the query has no terms: it is empty, or the analyzer removed every word (only stopwords?)");
        }
    }
}

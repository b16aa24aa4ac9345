package fasttrack.retrieval;

import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnFloatVectorQuery;

/**
 * Approximate nearest neighbours with Lucene's HNSW graph (Malkov and Yashunin 2016): each vector
 * links to up to {@code maxConnections} near neighbours per layer, and a search walks the graph
 * greedily from the top layer down, keeping the best {@code candidates} it has seen (efSearch).
 * Far fewer than N comparisons per query, at the price of sometimes missing a true neighbour:
 * measure recall against {@link ExactVectorSearch}.
 */
public final class HnswVectorSearch implements AutoCloseable {

    private static final String FIELD = "vector";

    private final InMemoryLuceneIndex index;
    private final int dimension;

    /** Lucene's defaults: 16 connections, a beam of 100 while building. */
    public HnswVectorSearch(float[][] vectors) {
        this(vectors, Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
    }

    public HnswVectorSearch(float[][] vectors, int maxConnections, int beamWidth) {
        if (vectors == null || vectors.length == 0) throw new IllegalArgumentException("index at least one vector");
        if (maxConnections < 1 || maxConnections > 512)
            throw new IllegalArgumentException("maxConnections must be in 1..512, got " + maxConnections);
        if (beamWidth < 1 || beamWidth > 3200)
            throw new IllegalArgumentException("beamWidth must be in 1..3200, got " + beamWidth);
        dimension = vectors[0].length;
        KnnVectorsFormat format = new Lucene99HnswVectorsFormat(maxConnections, beamWidth);
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setRAMBufferSizeMB(1024); // one segment, one graph: no merges to rebuild it
        index = new InMemoryLuceneIndex(
                config,
                vectors.length,
                i -> {
                    if (vectors[i].length != dimension)
                        throw new IllegalArgumentException(
                                "vector " + i + " has length " + vectors[i].length + ", vector 0 has " + dimension);
                    Document document = new Document();
                    // Unit vectors, so Lucene's dot-product similarity is the cosine.
                    document.add(new KnnFloatVectorField(
                            FIELD, MiniLmEncoder.normalise(vectors[i]), VectorSimilarityFunction.DOT_PRODUCT));
                    return document;
                },
                "HNSW index");
    }

    /** The approximate {@code k} nearest, with efSearch = k. */
    public List<Hit> search(float[] query, int k) {
        return search(query, k, k);
    }

    /** Explores {@code candidates} (≥ k) neighbours and returns the best {@code k}, scored by cosine similarity. */
    public List<Hit> search(float[] query, int k, int candidates) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("the query has length " + query.length + ", the indexed vectors "
                    + dimension + ": encode it with the same model");
        }
        if (k < 1 || candidates < k)
            throw new IllegalArgumentException("need 1 <= k <= candidates, got k " + k + ", candidates " + candidates);
        // Lucene reports (1 + cosine) / 2 for unit vectors: mapped back to the cosine.
        return index.search(
                new KnnFloatVectorQuery(FIELD, MiniLmEncoder.normalise(query), candidates),
                candidates,
                k,
                score -> 2 * score - 1,
                "HNSW");
    }

    @Override
    public void close() {
        index.close();
    }
}

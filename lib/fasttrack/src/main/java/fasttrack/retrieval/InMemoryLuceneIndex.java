package fasttrack.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The Lucene plumbing {@link LuceneBm25} and {@link HnswVectorSearch} share: documents 0..n−1 indexed
 * in memory, merged into one segment (statistics and the vector graph over the whole collection),
 * and hits reported by each document's number in the collection.
 */
final class InMemoryLuceneIndex implements AutoCloseable {

    private static final String ID = "id";

    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    /** Indexes {@code count} documents made by {@code document}; {@code what} names the index in errors. */
    InMemoryLuceneIndex(IndexWriterConfig config, int count, IntFunction<Document> document, String what) {
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < count; i++) {
                Document d = document.apply(i);
                d.add(new StoredField(ID, i));
                writer.addDocument(d);
            }
            writer.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the in-memory " + what, e);
        }
        try {
            reader = DirectoryReader.open(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the in-memory " + what, e);
        }
        searcher = new IndexSearcher(reader);
    }

    IndexSearcher searcher() {
        return searcher;
    }

    /** The best {@code n} hits of {@code query}, at most {@code limit} of them kept, scores mapped by {@code score}. */
    List<Hit> search(Query query, int n, int limit, DoubleUnaryOperator score, String what) {
        try {
            List<Hit> hits = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(query, n).scoreDocs) {
                if (hits.size() == limit) break;
                hits.add(new Hit(
                        searcher.storedFields()
                                .document(hit.doc)
                                .getField(ID)
                                .numericValue()
                                .intValue(),
                        score.applyAsDouble(hit.score)));
            }
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException("the " + what + " search failed", e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package fasttrack.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * Lucene's BM25 over texts, in memory: the reference {@link Bm25} is checked against. Texts are
 * analysed by {@code analyzer} (the same analysis gives {@link #terms} for the course's own index),
 * and a query is an OR of its analysed terms, each scored by {@code BM25Similarity}.
 */
public final class LuceneBm25 implements AutoCloseable {

    private static final String FIELD = "text";

    private final Analyzer analyzer;
    private final InMemoryLuceneIndex index;

    public LuceneBm25(List<String> texts, Analyzer analyzer, double k1, double b) {
        if (texts == null || texts.isEmpty()) throw new IllegalArgumentException("index at least one text");
        this.analyzer = analyzer;
        BM25Similarity similarity = new BM25Similarity((float) k1, (float) b);
        index = new InMemoryLuceneIndex(
                new IndexWriterConfig(analyzer).setSimilarity(similarity),
                texts.size(),
                i -> {
                    Document document = new Document();
                    document.add(new TextField(FIELD, texts.get(i), Field.Store.NO));
                    return document;
                },
                "Lucene index");
        index.searcher().setSimilarity(similarity);
    }

    /** The terms {@code analyzer} makes of {@code text}: lowercased words, stopwords removed, as the analyzer decides. */
    public static List<String> terms(Analyzer analyzer, String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream(FIELD, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) terms.add(term.toString());
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("could not analyse the text", e);
        }
        return terms;
    }

    /** The {@code k} best texts for {@code query}, best first, as (index of the text, Lucene's score). */
    public List<Hit> search(String query, int k) {
        List<String> terms = terms(analyzer, query);
        if (terms.isEmpty())
            throw new IllegalArgumentException(
                    "the query has no terms after analysis (only stopwords?): \"" + query + "\"");
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (String term : terms) builder.add(new TermQuery(new Term(FIELD, term)), BooleanClause.Occur.SHOULD);
        return index.search(builder.build(), k, k, score -> score, "Lucene");
    }

    @Override
    public void close() {
        index.close();
    }
}

package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.text.Verses;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.junit.jupiter.api.Test;

class Bm25Test {

    private static List<String> words(String text) {
        return List.of(text.split(" "));
    }

    /**
     * Three documents: "a b c" (3 terms), "a a d" (3), "b e" (2); avgdl = 8/3. Query "a":
     * df(a) = 2, idf = ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln 1.6.
     * doc 0: tf 1, norm = 1.2·(0.25 + 0.75·3/(8/3)) = 1.2·1.09375 = 1.3125 → ln1.6 · 1/2.3125
     * doc 1: tf 2, same norm → ln1.6 · 2/3.3125.
     */
    @Test
    void scoresMatchTheFormulaByHand() {
        Bm25 bm25 = Bm25.index(List.of(words("a b c"), words("a a d"), words("b e")));
        assertEquals(Math.log(1.6), bm25.idf("a"), 1e-12);
        assertEquals(Math.log(1.6) / 2.3125, bm25.score(List.of("a"), 0), 1e-12);
        assertEquals(Math.log(1.6) * 2 / 3.3125, bm25.score(List.of("a"), 1), 1e-12);
        assertEquals(0, bm25.score(List.of("a"), 2));
        List<Hit> hits = bm25.search(List.of("a"), 10);
        assertEquals(
                List.of(1, 0),
                hits.stream().map(Hit::document).toList(),
                "two occurrences beat one; a document without 'a' is not a hit");
        // Saturation: with k1 = 0 term frequency stops mattering, only presence and idf do.
        Bm25 flat = Bm25.index(List.of(words("a b c"), words("a a d"), words("b e")), 0, 0.75);
        assertEquals(flat.score(List.of("a"), 0), flat.score(List.of("a"), 1), 1e-12);
    }

    @Test
    void badInputIsRefusedWithAReason() {
        Bm25 bm25 = Bm25.index(List.of(words("a b")));
        var empty = assertThrows(IllegalArgumentException.class, () -> bm25.search(List.of(), 5));
        assertTrue(empty.getMessage().contains("only stopwords?"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bm25.search(List.of("a"), 0));
        assertThrows(IllegalArgumentException.class, () -> Bm25.index(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Bm25.index(List.of(words("a")), 1.2, 1.5));
        try (LuceneBm25 lucene = new LuceneBm25(List.of("the cat"), new EnglishAnalyzer(), Bm25.K1, Bm25.B)) {
            var stop = assertThrows(IllegalArgumentException.class, () -> lucene.search("the and of", 3));
            assertTrue(stop.getMessage().contains("no terms after analysis"), stop.getMessage());
        }
    }

    /**
     * On 2,000 KJV verses, over the same analysis, the course's BM25 ranks like Lucene's and scores
     * within 2%: Lucene stores each document's length in one byte (lengths above ~40 are rounded), so its
     * length normalisation is slightly coarser.
     */
    @Test
    void itRanksLikeLucene() {
        List<String> verses = Verses.kjv().lines().subList(0, 2_000);
        Analyzer analyzer = new StandardAnalyzer();
        Bm25 mine = Bm25.index(
                verses.stream().map(v -> LuceneBm25.terms(analyzer, v)).toList());
        try (LuceneBm25 lucene = new LuceneBm25(verses, analyzer, Bm25.K1, Bm25.B)) {
            int sameTop = 0;
            List<String> queries = List.of(
                    "the generations of the heavens and of the earth",
                    "Abraham and Isaac",
                    "waters of the flood",
                    "the LORD said unto Moses",
                    "seven years of famine in the land of Egypt",
                    "coat of many colours");
            for (String query : queries) {
                List<Hit> theirs = lucene.search(query, 10), ours = mine.search(LuceneBm25.terms(analyzer, query), 10);
                if (theirs.get(0).document() == ours.get(0).document()) sameTop++;
                for (int i = 0; i < theirs.size(); i++) {
                    double score = mine.score(
                            LuceneBm25.terms(analyzer, query), theirs.get(i).document());
                    assertEquals(theirs.get(i).score(), score, 0.02 * score, query + ": Lucene's hit " + i);
                }
            }
            assertEquals(queries.size(), sameTop, "the same best verse for every query");
        }
    }
}

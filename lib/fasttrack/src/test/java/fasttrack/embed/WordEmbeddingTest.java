package fasttrack.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.basics.LossCurve;
import fasttrack.runtime.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordEmbeddingTest {

    @Test
    void vocabularyCountsAndOrdersWords() {
        WordVocabulary v = WordVocabulary.build("The cat and the dog. THE END, and then", 2);
        assertEquals(List.of("the", "and"), v.words());
        assertEquals(3, v.count(v.id("The")));
        assertEquals(0, v.encode("the the")[1]);
        assertEquals(2, v.encode("a cat and the").length, "unknown words are skipped");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> v.id("cat"))
                .getMessage()
                .contains("not in the vocabulary"));
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.build("one word only", 2));
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.build("a a", 0));
    }

    @Test
    void negativesAreDrawnInProportionToCountToTheThreeQuarters() {
        int[] table = SkipGram.unigramTable(new long[] {1000, 100, 10});
        double[] expected = {Math.pow(1000, 0.75), Math.pow(100, 0.75), Math.pow(10, 0.75)};
        double total = expected[0] + expected[1] + expected[2];
        for (int w = 0; w < 3; w++) {
            final int word = w;
            double share = java.util.Arrays.stream(table).filter(x -> x == word).count() / (double) table.length;
            assertEquals(expected[w] / total, share, 1e-3, "word " + w);
        }
    }

    @Test
    void subsamplingDropsFrequentWordsAndKeepsRareOnes() {
        int[] ids = new int[10_000];
        for (int i = 0; i < ids.length; i++) ids[i] = i % 100 == 0 ? 1 : 0; // word 0: 99%, word 1: 1%
        int[] kept = SkipGram.subsample(ids, new long[] {9900, 100}, 1e-3, new Random(1));
        long frequent = java.util.Arrays.stream(kept).filter(x -> x == 0).count();
        long rare = java.util.Arrays.stream(kept).filter(x -> x == 1).count();
        assertTrue(frequent < 9900 * 0.1, "kept " + frequent + " of 9900 frequent");
        assertTrue(rare > 100 * 0.25, "kept " + rare + " of 100 rare");
    }

    /** Two families of words that only ever appear among themselves must end up in two clusters. */
    @Test
    void skipGramSeparatesWordsThatNeverShareContexts() {
        List<String> a = List.of("red", "green", "blue", "yellow", "purple"),
                b = List.of("one", "two", "three", "four", "five");
        Random random = new Random(5);
        StringBuilder text = new StringBuilder();
        for (int sentence = 0; sentence < 4000; sentence++) {
            List<String> family = sentence % 2 == 0 ? a : b;
            for (int i = 0; i < 8; i++)
                text.append(family.get(random.nextInt(5))).append(' ');
            text.append(". ");
        }
        WordVocabulary vocab = WordVocabulary.build(text.toString(), 1);
        SkipGram.Config config = new SkipGram.Config(16, 3, 3, 256, 0.02f, 0);
        try (SkipGram model = new SkipGram(vocab, vocab.encode(text.toString()), config, 1, Setup.manager())) {
            double before = model.vectors().categorySeparation(Map.of("a", a, "b", b));
            LossCurve curve = model.fit(300);
            WordVectors vectors = model.vectors();
            double after = vectors.categorySeparation(Map.of("a", a, "b", b));
            assertTrue(Math.abs(before) < 0.2, "untrained vectors are unorganised: " + before);
            assertTrue(after > 0.5, "trained: same-family cosine exceeds cross-family by " + after);
            assertTrue(curve.lastMean(20) < curve.first() * 0.8, curve.toString());
            assertTrue(a.contains(
                    vectors.nearest("red", 1, WordVectors.Metric.COSINE).get(0).word()));
            assertTrue(vectors.projection("families", new ArrayList<>(vocab.words()))
                            .png()
                            .length
                    > 1000);
        }
    }

    @Test
    void metricsAndAnalogiesOnHandMadeVectors() {
        WordVocabulary vocab = WordVocabulary.build("king queen man woman big big big", 1);
        // king = royal + male, queen = royal + female, man = male, woman = female; big is long but unrelated
        float[][] v = new float[vocab.size()][];
        v[vocab.id("king")] = new float[] {1, 1, 0};
        v[vocab.id("queen")] = new float[] {1, -1, 0};
        v[vocab.id("man")] = new float[] {0, 1, 0.1f};
        v[vocab.id("woman")] = new float[] {0, -1, 0.1f};
        v[vocab.id("big")] = new float[] {3, 0, 30};
        WordVectors vectors = new WordVectors(vocab, v);
        assertEquals("queen", vectors.analogy("man", "woman", "king", 1).get(0).word());
        assertEquals(
                "big",
                vectors.nearest("king", 1, WordVectors.Metric.DOT).get(0).word(),
                "dot product favours the long vector");
        assertTrue(!vectors.nearest("king", 1, WordVectors.Metric.COSINE)
                .get(0)
                .word()
                .equals("big"));
        assertThrows(IllegalArgumentException.class, () -> new WordVectors(vocab, new float[2][3]));
        assertThrows(IllegalArgumentException.class, () -> vectors.nearest("king", 0, WordVectors.Metric.COSINE));
    }

    @Test
    void theBatchLossIsTheMeanOverPairsOfTheNegativeSamplingLoss() {
        // b = 2 pairs, d = 2, k = 2: −log σ(u_o·v_c) − Σ_n log σ(−u_n·v_c), computed by hand in doubles.
        float[] vc = {1, 2, -1, 0.5f}, uo = {0.5f, -1, 2, 1}, un = {1, 1, -0.5f, 0, 0, 3, 2, -2};
        double expected = 0;
        for (int p = 0; p < 2; p++) {
            double positive = vc[2 * p] * uo[2 * p] + vc[2 * p + 1] * uo[2 * p + 1];
            expected -= Math.log(1 / (1 + Math.exp(-positive)));
            for (int n = 0; n < 2; n++) {
                double negative = un[4 * p + 2 * n] * vc[2 * p] + un[4 * p + 2 * n + 1] * vc[2 * p + 1];
                expected -= Math.log(1 / (1 + Math.exp(negative)));
            }
        }
        expected /= 2;
        try (ai.djl.ndarray.NDManager m = Setup.manager().newSubManager()) {
            var shape2 = new ai.djl.ndarray.types.Shape(2, 2);
            float loss = SkipGram.loss(
                            m.create(vc, shape2),
                            m.create(uo, shape2),
                            m.create(un, new ai.djl.ndarray.types.Shape(2, 2, 2)))
                    .getFloat();
            assertEquals(expected, loss, 1e-5);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SkipGram.loss(
                            m.create(vc, shape2),
                            m.create(uo, shape2),
                            m.create(un, new ai.djl.ndarray.types.Shape(2, 4))),
                    "negatives need their own axis k");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SkipGram.loss(
                            m.create(vc, shape2),
                            m.create(uo, new ai.djl.ndarray.types.Shape(1, 4)),
                            m.create(un, new ai.djl.ndarray.types.Shape(2, 2, 2))));
        }
    }

    @Test
    void badConfigsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SkipGram.Config(0, 4, 5, 1024, 0.01f, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new SkipGram.Config(8, 0, 5, 1024, 0.01f, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new SkipGram.Config(8, 4, 5, 1024, 0f, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new SkipGram.Config(8, 4, 5, 1024, Float.NaN, 1e-4));
        WordVocabulary vocab = WordVocabulary.build("a b a b", 1);
        assertThrows(
                IllegalArgumentException.class,
                () -> new SkipGram(vocab, new int[] {0}, SkipGram.Config.defaults(), 1, Setup.manager()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SkipGram(vocab, new int[] {0, 7}, SkipGram.Config.defaults(), 1, Setup.manager()));
    }
}

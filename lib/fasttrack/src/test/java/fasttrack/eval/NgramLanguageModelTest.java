package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.generate.Sampling;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NgramLanguageModelTest {

    // Training text 0 1 0 1 1 over V = 3 (id 2 never seen), k = 1.
    //   unigram: c = (2, 3, 0), N = 5, denominator N + kV = 8:  p = (3/8, 4/8, 1/8)
    //   bigram pairs: (0,1) (1,0) (0,1) (1,1), so c(0,·) = (0, 2, 0), c(1,·) = (1, 1, 0), c(0) = c(1) = 2, c(2) = 0
    //     p(·|0) = (1, 3, 1)/5,  p(·|1) = (2, 2, 1)/5,  p(·|2) = (1, 1, 1)/3 (never seen: uniform)
    private static final int[] TRAIN = {0, 1, 0, 1, 1};

    @Test
    void theUnigramIsSmoothedCountsOverTheSmoothedTotal() {
        NgramLanguageModel unigram = NgramLanguageModel.train(1, TRAIN, 3);
        assertArrayEquals(new double[] {3 / 8.0, 4 / 8.0, 1 / 8.0}, unigram.distribution(new int[] {2, 0}, 2), 1e-15);
        assertArrayEquals(
                new double[] {3 / 8.0, 4 / 8.0, 1 / 8.0},
                unigram.distribution(new int[0], 0),
                1e-15,
                "context is ignored");
    }

    @Test
    void theBigramConditionsOnThePreviousTokenOnly() {
        NgramLanguageModel bigram = NgramLanguageModel.train(2, TRAIN, 3);
        int[] context = {2, 1, 0};
        assertArrayEquals(new double[] {0.2, 0.6, 0.2}, bigram.distribution(context, 3), 1e-15);
        assertArrayEquals(new double[] {0.4, 0.4, 0.2}, bigram.distribution(context, 2), 1e-15);
        assertArrayEquals(
                new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
                bigram.distribution(context, 1),
                1e-15,
                "a context never seen");
        assertArrayEquals(
                new double[] {3 / 8.0, 4 / 8.0, 1 / 8.0},
                bigram.distribution(context, 0),
                1e-15,
                "no context: the unigram");
    }

    @Test
    void kScalesTheSmoothing() {
        // k = 0.5: p(·|0) = (0 + .5, 2 + .5, 0 + .5) / (2 + 1.5) = (1, 5, 1)/7
        NgramLanguageModel bigram = NgramLanguageModel.train(2, TRAIN, 3, 0.5);
        assertArrayEquals(new double[] {1 / 7.0, 5 / 7.0, 1 / 7.0}, bigram.distribution(new int[] {0}, 1), 1e-15);
    }

    @Test
    void theLossByHandScoresEveryTokenButTheFirst() {
        int[] text = {0, 1, 1, 0};
        // bigram: p(1|0) p(1|1) p(0|1) = 0.6 · 0.4 · 0.4
        LanguageModelLoss bigram = NgramLanguageModel.train(2, TRAIN, 3).loss(text);
        assertEquals(-(Math.log(0.6) + Math.log(0.4) + Math.log(0.4)) / 3, bigram.natsPerToken(), 1e-15);
        assertEquals(3, bigram.tokens());
        // unigram: p(1) p(1) p(0) = 1/2 · 1/2 · 3/8, the same three positions
        LanguageModelLoss unigram = NgramLanguageModel.train(1, TRAIN, 3).loss(text);
        assertEquals(-(2 * Math.log(0.5) + Math.log(3 / 8.0)) / 3, unigram.natsPerToken(), 1e-15);
        assertEquals(3, unigram.tokens());
    }

    @Test
    void aUniformTextCostsLnVPerTokenUnderTheUnigram() {
        int v = 7;
        int[] text = new int[v * 20];
        for (int i = 0; i < text.length; i++) text[i] = (i * 3) % v;
        LanguageModelLoss loss = NgramLanguageModel.train(1, text, v).loss(text);
        assertEquals(Math.log(v), loss.natsPerToken(), 1e-12);
        assertEquals(v, loss.perplexity(), 1e-9);
    }

    @Test
    void theBigramBeatsTheUnigramOnARepetitiveText() {
        int[] text = new int[300];
        for (int i = 0; i < text.length; i++) text[i] = i % 3;
        double unigram = NgramLanguageModel.train(1, text, 5).loss(text).natsPerToken();
        double bigram = NgramLanguageModel.train(2, text, 5).loss(text).natsPerToken();
        assertTrue(
                bigram < 0.1 && unigram > 1,
                "bigram " + bigram + " should be near 0, unigram " + unigram + " near ln 3");
    }

    @Test
    void distributionsSumToOne() {
        int[] text = new java.util.Random(1).ints(500, 0, 11).toArray();
        for (int order = 1; order <= 2; order++) {
            NgramLanguageModel model = NgramLanguageModel.train(order, text, 13, 0.3);
            for (int length = 0; length < 20; length++) {
                assertEquals(
                        1,
                        Arrays.stream(model.distribution(text, length)).sum(),
                        1e-12,
                        "order " + order + ", length " + length);
            }
        }
    }

    @Test
    void greedyGenerationContinuesAnObviousPattern() {
        int[] text = new int[60];
        for (int i = 0; i < text.length; i++) text[i] = i % 3;
        NgramLanguageModel bigram = NgramLanguageModel.train(2, text, 4);
        assertArrayEquals(new int[] {2, 0, 1, 2, 0, 1, 2}, bigram.generate(new int[] {2}, 6, Sampling.greedy()));
    }

    @Test
    void sampledGenerationIsRepeatableAndStaysInTheVocabulary() {
        int[] text = new java.util.Random(2).ints(400, 0, 6).toArray();
        NgramLanguageModel bigram = NgramLanguageModel.train(2, text, 6);
        int[] a = bigram.generate(new int[] {1}, 50, Sampling.temperature(0.8, 7));
        assertArrayEquals(a, bigram.generate(new int[] {1}, 50, Sampling.temperature(0.8, 7)));
        assertTrue(Arrays.stream(a).allMatch(t -> t >= 0 && t < 6));
        assertEquals(51, a.length);
    }

    @Test
    void badInputsSayWhatIsWrong() {
        assertMessage("order must be 1 (unigram) or 2 (bigram)", () -> NgramLanguageModel.train(3, TRAIN, 3));
        assertMessage("k must be > 0", () -> NgramLanguageModel.train(1, TRAIN, 3, 0));
        assertMessage("at least one training token", () -> NgramLanguageModel.train(1, new int[0], 3));
        assertMessage(
                "training token 1 has id 1, outside the vocabulary 0..0", () -> NgramLanguageModel.train(1, TRAIN, 1));
        NgramLanguageModel model = NgramLanguageModel.train(2, TRAIN, 3);
        assertMessage("scored token 2 has id 3", () -> model.loss(new int[] {0, 1, 3}));
        assertMessage("at least 2 tokens", () -> model.loss(new int[] {0}));
        assertMessage("context token 0 has id -1", () -> model.distribution(new int[] {-1}, 1));
        assertMessage("length must be in 0..1", () -> model.distribution(new int[] {0}, 2));
        assertMessage("count must be >= 0", () -> model.generate(new int[] {0}, -1, Sampling.greedy()));
    }
}

package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.eval.LanguageModelLoss;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PassageCopyTest {

    private static final int VOCAB = 8;
    /** "1 2" occurs twice, followed by 3 then by 5; "3 4 1 2" once, followed by 5. */
    private static final int[] PASSAGE = {1, 2, 3, 4, 1, 2, 5};

    private final PassageCopy copy = new PassageCopy(PASSAGE, VOCAB, 2);

    private static float[] distribution(int... halves) {
        float[] p = new float[VOCAB];
        for (int token : halves) p[token] += 1f / halves.length;
        return p;
    }

    @Test
    void theLongestSuffixThatOccursVotes() {
        // [0 1 2] does not occur; [1 2] does, twice: 3 and 5 each get half the vote.
        assertArrayEquals(distribution(3, 5), copy.next(new int[] {0, 1, 2}).orElseThrow(), 0f);
        // [3 4 1 2] occurs once: the longer match wins and only 5 follows it.
        assertArrayEquals(distribution(5), copy.next(new int[] {7, 3, 4, 1, 2}).orElseThrow(), 0f);
        assertArrayEquals(distribution(1), copy.next(new int[] {2, 3, 4}).orElseThrow(), 0f);
        // With minMatch 1 a single token is enough.
        assertArrayEquals(
                distribution(3, 5),
                new PassageCopy(PASSAGE, VOCAB, 1).next(new int[] {6, 2}).orElseThrow(),
                0f);
    }

    @Test
    void nothingWhenNoSuffixOfMinMatchTokensOccurs() {
        assertTrue(
                copy.next(new int[] {6, 2}).isEmpty(), "[6 2] is not in the passage and [2] is shorter than minMatch");
        assertTrue(copy.next(new int[] {2}).isEmpty(), "history shorter than minMatch");
        assertTrue(copy.next(new int[0]).isEmpty());
        assertTrue(copy.next(new int[] {4, 1, 2, 5}).isEmpty(), "[2 5] ends the passage: nothing follows it to copy");
    }

    @Test
    void mixIsTheWeightedSumOfModelAndCopy() {
        float[] model = {0.05f, 0.1f, 0.2f, 0.15f, 0.1f, 0.2f, 0.1f, 0.1f};
        float[] mixed = copy.mix(model, new int[] {0, 1, 2}, 0.3);
        float[] q = distribution(3, 5);
        double sum = 0;
        for (int i = 0; i < VOCAB; i++) {
            assertEquals(0.7 * model[i] + 0.3 * q[i], mixed[i], 1e-6, "token " + i);
            sum += mixed[i];
        }
        assertEquals(1, sum, 1e-6);
        assertArrayEquals(model, copy.mix(model, new int[] {6, 6}, 0.3), 0f, "no match: the model alone");
    }

    @Test
    void lossWithWeightZeroIsThePlainCrossEntropy() {
        int[] text = {1, 2, 3, 4, 1, 2, 5, 6, 0, 2};
        Random random = new Random(3);
        float[][] modelNext = new float[text.length - 1][VOCAB];
        for (float[] p : modelNext) {
            float total = 0;
            for (int i = 0; i < VOCAB; i++) total += p[i] = 0.1f + random.nextFloat();
            for (int i = 0; i < VOCAB; i++) p[i] /= total;
        }
        int from = 2;
        double nats = 0;
        for (int t = from; t < text.length; t++) nats -= Math.log(modelNext[t - 1][text[t]]);
        LanguageModelLoss plain = copy.loss(text, from, modelNext, 0);
        assertEquals(text.length - from, plain.tokens());
        assertEquals(nats / (text.length - from), plain.natsPerToken(), 1e-6);
    }

    @Test
    void copyingHelpsWhereThePassageContinuesTheText() {
        int[] text = {0, 1, 2, 3, 4, 1, 2, 5};
        float[][] uniform = new float[text.length - 1][VOCAB];
        for (float[] p : uniform) Arrays.fill(p, 1f / VOCAB);
        assertEquals(Math.log(VOCAB), copy.loss(text, 3, uniform, 0).natsPerToken(), 1e-6);
        // t = 3: [1 2] → {3, 5}, truth 3: p = 0.5/8 + 0.5·0.5; t = 4..7: one follower, the truth: p = 0.5/8 + 0.5.
        double expected = -(Math.log(0.5 / VOCAB + 0.25) + 4 * Math.log(0.5 / VOCAB + 0.5)) / 5;
        assertEquals(expected, copy.loss(text, 3, uniform, 0.5).natsPerToken(), 1e-6);
    }

    @Test
    void weightsOutsideZeroToOneAreRefused() {
        float[] model = distribution(0);
        float[][] modelNext = new float[3][];
        Arrays.fill(modelNext, model);
        for (double w : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> copy.mix(model, new int[] {1, 2}, w));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> copy.loss(new int[] {1, 2, 3, 4}, 1, modelNext, w));
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new PassageCopy(new int[] {1, 8}, VOCAB, 1),
                "token outside the vocabulary");
        assertThrows(IllegalArgumentException.class, () -> new PassageCopy(PASSAGE, VOCAB, 0));
    }
}

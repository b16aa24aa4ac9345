package fasttrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GptScoresTest {

    private NDManager nd;
    private Gpt model;
    private GptScores scores;

    @BeforeEach
    void setUp() {
        Setup.seed(3);
        nd = Setup.manager().newSubManager();
        model = new Gpt(new GptConfig(12, 8, 1, 2, 16, 0.1f, false)).initialize(nd);
        scores = new GptScores(model, nd);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** −log p(next) by hand from one forward pass over the first window. */
    private double[] byHand(int[] tokens, int from, int length) {
        long[] ids = new long[length];
        for (int i = 0; i < length; i++) ids[i] = tokens[from + i];
        float[] logp = model.logits(new ParameterStore(nd, false), nd.create(ids, new Shape(1, length)), false)
                .logSoftmax(-1)
                .toFloatArray();
        double[] out = new double[length];
        for (int t = 0; t < length; t++) out[t] = -logp[t * 12 + tokens[from + t + 1]];
        return out;
    }

    @Test
    void everyTokenAfterTheFirstIsPredictedOnceWindowByWindow() {
        int[] tokens = {1, 5, 2, 7, 3, 3, 9, 0, 11, 4, 6, 2, 8, 1, 10, 5, 7, 2, 3, 4
        }; // 20 tokens, context 8: windows of 8, 8, 3
        double sum = 0;
        for (double v : byHand(tokens, 0, 8)) sum += v;
        for (double v : byHand(tokens, 8, 8)) sum += v;
        for (double v : byHand(tokens, 16, 3)) sum += v;
        LanguageModelLoss loss = scores.loss(tokens);
        assertEquals(19, loss.tokens());
        assertEquals(sum / 19, loss.natsPerToken(), 1e-5);
        assertTrue(
                Math.abs(loss.natsPerToken() - Math.log(12)) < 0.1,
                "an untrained model is close to a uniform guess, ln 12");
    }

    @Test
    void lineLossesScoreEachLineFromItsStart() {
        int[] a = {1, 2, 3, 4}, b = {5, 6};
        double[] losses = scores.lineLosses(List.of(a, b));
        double[] handA = byHand(a, 0, 3), handB = byHand(b, 0, 1);
        assertEquals((handA[0] + handA[1] + handA[2]) / 3, losses[0], 1e-5);
        assertEquals(handB[0], losses[1], 1e-5);
        var tooLong = assertThrows(IllegalArgumentException.class, () -> scores.lineLosses(List.of(new int[10])));
        assertTrue(tooLong.getMessage().contains("crop it"), tooLong.getMessage());
    }

    @Test
    void probabilitiesAreDistributionsAndTemperatureSharpensThem() {
        int[] tokens = new Random(1).ints(200, 0, 12).toArray();
        int[] starts = {0, 30, 60, 90, 120, 150};
        GptScores.Predictions cold = scores.nextTokenProbabilities(tokens, starts, 8, 0.25f),
                warm = scores.nextTokenProbabilities(tokens, starts, 8, 1f);
        assertEquals(48, cold.truth().length);
        assertEquals(
                tokens[31 + 2],
                cold.truth()[8 + 2],
                "row 8 + t is window 1's position t, whose truth is the token after it");
        double coldMax = 0, warmMax = 0;
        for (int i = 0; i < 48; i++) {
            double sum = 0;
            for (float p : warm.probabilities()[i]) sum += p;
            assertEquals(1, sum, 1e-5);
            for (float p : cold.probabilities()[i]) coldMax = Math.max(coldMax, p);
            for (float p : warm.probabilities()[i]) warmMax = Math.max(warmMax, p);
        }
        assertTrue(coldMax > warmMax, "dividing logits by T < 1 makes the top probability larger");
        assertThrows(
                IllegalArgumentException.class, () -> scores.nextTokenProbabilities(tokens, new int[] {195}, 8, 1f));
        assertThrows(IllegalArgumentException.class, () -> scores.nextTokenProbabilities(tokens, starts, 8, 0f));
    }

    /** −log p(sequence[t]) from nextToken(sequence[0..t)), averaged over t in [from, n): the definition, one call per target. */
    private double bruteForce(int[] sequence, int from) {
        double nats = 0;
        for (int t = from; t < sequence.length; t++)
            nats -= Math.log(scores.nextToken(Arrays.copyOf(sequence, t))[sequence[t]]);
        return nats / (sequence.length - from);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void conditionalLossWithoutContextIsTheLossWithinOneBlock() {
        for (int[] tokens :
                new int[][] {{3, 1, 4, 1, 5, 9, 2, 6, 5}, {7, 2}, {0, 11, 5, 5, 8}}) { // 9 = blockSize + 1 tokens, 2, 5
            LanguageModelLoss plain = scores.loss(tokens), conditional = scores.conditionalLoss(new int[0], tokens);
            assertEquals(plain.tokens(), conditional.tokens());
            assertEquals(plain.natsPerToken(), conditional.natsPerToken(), 1e-6);
        }
    }

    @Test
    void conditionalLossPredictsEachContinuationTokenFromTheBlockBeforeIt() {
        Random random = new Random(11);
        // Context longer than the block (late windows only); a short context (the first pass, then late windows);
        // and a continuation of 45 (39 late windows: more than one batch of 32).
        int[][][] cases = {
            {random.ints(11, 0, 12).toArray(), random.ints(6, 0, 12).toArray()},
            {random.ints(5, 0, 12).toArray(), random.ints(12, 0, 12).toArray()},
            {random.ints(3, 0, 12).toArray(), random.ints(45, 0, 12).toArray()}
        };
        for (int[][] c : cases) {
            LanguageModelLoss loss = scores.conditionalLoss(c[0], c[1]);
            assertEquals(c[1].length, loss.tokens(), "every continuation token, none of the context");
            assertEquals(
                    bruteForce(concat(c[0], c[1]), c[0].length),
                    loss.natsPerToken(),
                    1e-4,
                    "context of " + c[0].length);
        }
        int[] context = random.ints(11, 0, 12).toArray(), continuation = {4, 4, 4};
        assertTrue(
                Math.abs(scores.conditionalLoss(context, continuation).natsPerToken()
                                - scores.conditionalLoss(new int[] {9}, continuation)
                                        .natsPerToken())
                        > 1e-4,
                "the context changes the loss");
        assertThrows(IllegalArgumentException.class, () -> scores.conditionalLoss(null, continuation));
        assertThrows(
                IllegalArgumentException.class,
                () -> scores.conditionalLoss(new int[0], new int[] {1}),
                "no context: one token predicts nothing");
        assertThrows(IllegalArgumentException.class, () -> scores.conditionalLoss(context, new int[0]));
    }

    @Test
    void nextTokenIsADistributionOverTheLastBlock() {
        int[] context = new Random(2).ints(20, 0, 12).toArray();
        float[] p = scores.nextToken(context);
        assertEquals(12, p.length);
        double sum = 0;
        for (float x : p) sum += x;
        assertEquals(1, sum, 1e-5);
        assertArrayEquals(
                p, scores.nextToken(Arrays.copyOfRange(context, 12, 20)), 1e-6f, "only the last 8 tokens are read");
        assertThrows(IllegalArgumentException.class, () -> scores.nextToken(new int[0]));
    }

    @Test
    void badTokensAreRefused() {
        var outside = assertThrows(IllegalArgumentException.class, () -> scores.loss(new int[] {1, 12}));
        assertTrue(outside.getMessage().contains("outside the model's vocabulary 0..11"), outside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scores.loss(new int[] {1}));
    }
}

package fasttrack.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpeculativeDecoderTest {

    private static final int VOCAB = 11, BLOCK = 16;

    private NDManager nd;
    private Gpt targetModel;
    private CachedDecoder target;
    private CachedDecoder draft;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        targetModel = model(new GptConfig(VOCAB, BLOCK, 2, 2, 16, 0f, false), 31);
        target = CachedDecoder.of(targetModel);
        draft = CachedDecoder.of(model(new GptConfig(VOCAB, BLOCK, 1, 2, 16, 0f, false), 32));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /**
     * A random model whose next-token distributions are far from uniform: the matrices scaled up from
     * GPT-2's N(0, 0.02²), so the draft and target disagree often and sampling has something to follow.
     */
    private Gpt model(GptConfig config, int seed) {
        Setup.seed(seed);
        Gpt model = new Gpt(config).initialize(nd);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) continue;
            float factor = w == model.outputWeights() ? 30 : 10;
            float[] values = w.toFloatArray();
            for (int i = 0; i < values.length; i++) values[i] *= factor;
            Tensors.overwrite(w, values);
        }
        return model;
    }

    private static final int[][] PROMPTS = {{3}, {1, 4, 1, 5}, {9, 2, 6, 5, 3, 5}, {0, 0, 10}};

    /** The key property: greedy speculative decoding produces exactly the target's own greedy tokens. */
    @Test
    void greedyOutputIsTheTargetsGreedyOutputTokenForToken() {
        int rejected = 0;
        for (int lookahead : new int[] {1, 3, 5}) {
            SpeculativeDecoder decoder = new SpeculativeDecoder(draft, target, lookahead);
            for (int[] prompt : PROMPTS) {
                for (int count : new int[] {1, 4, BLOCK - prompt.length - lookahead}) {
                    if (count < 1) continue;
                    SpeculativeDecoder.Result result = decoder.greedy(prompt, count);
                    List<Integer> alone = SpeculativeDecoder.greedyAlone(CachedDecoder.of(targetModel), prompt, count);
                    String label =
                            "lookahead " + lookahead + ", prompt " + Arrays.toString(prompt) + ", " + count + " tokens";
                    assertEquals(alone, result.tokens(), label);
                    assertEquals(count, result.tokens().size(), label);
                    assertTrue(result.accepted() <= result.proposed(), label);
                    rejected += result.proposed() - result.accepted();
                }
            }
        }
        assertTrue(
                rejected > 0,
                "the draft is a different model: some guesses must have been rejected for the test to mean anything");
    }

    @Test
    void aDraftWithTheTargetsWeightsIsAlwaysAccepted() {
        CachedDecoder twin = CachedDecoder.of(targetModel);
        SpeculativeDecoder decoder = new SpeculativeDecoder(twin, target, 3);
        SpeculativeDecoder.Result greedy = decoder.greedy(new int[] {1, 4, 1}, 10);
        assertEquals(1.0, greedy.acceptanceRate());
        // Rounds of 3 guesses + 1 target token, 3 + 1, then 2 + 1 (only 2 tokens were left to guess).
        assertEquals(3, greedy.rounds());
        assertEquals(8, greedy.proposed());
        assertEquals(8, greedy.accepted());
        assertEquals(10 / 3.0, greedy.tokensPerRound(), 1e-12);
        assertEquals(
                SpeculativeDecoder.greedyAlone(CachedDecoder.of(targetModel), new int[] {1, 4, 1}, 10),
                greedy.tokens());

        SpeculativeDecoder.Result sampled = decoder.sample(new int[] {2, 7}, 9, 1f, new Random(3));
        assertEquals(1.0, sampled.acceptanceRate(), "p/q = 1: every guess is accepted when sampling too");
        assertEquals(9, sampled.tokens().size());
    }

    /** Sampling: the first token is distributed as the target's softmax, however often the draft's guess is rejected. */
    @Test
    void sampledTokensFollowTheTargetsDistribution() {
        int[] prompt = {2, 7, 1};
        float temperature = 1f;
        CachedDecoder fresh = CachedDecoder.of(targetModel);
        float[] logits = fresh.next(prompt)[prompt.length - 1];
        float[] p = SpeculativeDecoder.probabilities(logits, temperature);
        CachedDecoder freshDraft = CachedDecoder.of(model(new GptConfig(VOCAB, BLOCK, 1, 2, 16, 0f, false), 32));
        float[] q = SpeculativeDecoder.probabilities(freshDraft.next(prompt)[prompt.length - 1], temperature);
        double distance = 0;
        for (int i = 0; i < VOCAB; i++) distance = Math.max(distance, Math.abs(p[i] - q[i]));
        assertTrue(
                distance > 0.1,
                "the draft's distribution differs from the target's by " + distance + ": the test has power");

        SpeculativeDecoder decoder = new SpeculativeDecoder(draft, target, 2);
        Random random = new Random(2024);
        int draws = 4000, proposed = 0, accepted = 0;
        int[] counts = new int[VOCAB];
        for (int n = 0; n < draws; n++) {
            SpeculativeDecoder.Result result = decoder.sample(prompt, 2, temperature, random);
            counts[result.tokens().get(0)]++;
            proposed += result.proposed();
            accepted += result.accepted();
        }
        double worst = 0, chiSquare = 0;
        for (int i = 0; i < VOCAB; i++) {
            worst = Math.max(worst, Math.abs((double) counts[i] / draws - p[i]));
            if (p[i] * draws >= 5) chiSquare += Math.pow(counts[i] - p[i] * draws, 2) / (p[i] * draws);
        }
        // σ of a frequency over 4000 draws is at most 0.008; χ² with at most 10 degrees of freedom exceeds 29.6 with
        // probability 0.001.
        assertTrue(
                worst < 0.03,
                "largest deviation from the target's probabilities: " + worst + ", counts " + Arrays.toString(counts)
                        + ", p " + Arrays.toString(p));
        assertTrue(chiSquare < 29.6, "χ² " + chiSquare);
        assertTrue(accepted < proposed, "some guesses were rejected (and replaced from the residual)");
        assertTrue(accepted > 0);
    }

    @Test
    void theResidualIsThePositivePartOfPMinusQNormalised() {
        float[] p = {0.5f, 0.2f, 0.2f, 0.1f}, q = {0.1f, 0.4f, 0.2f, 0.3f};
        float[] r = SpeculativeDecoder.residual(p, q);
        double sum = 0;
        for (float x : r) sum += x;
        assertEquals(1, sum, 1e-6);
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f}, r, 1e-6f);
        float[] p2 = {0.4f, 0.3f, 0.2f, 0.1f}, q2 = {0.1f, 0.1f, 0.3f, 0.5f};
        float[] r2 = SpeculativeDecoder.residual(p2, q2);
        assertArrayEquals(new float[] {0.3f / 0.5f, 0.2f / 0.5f, 0f, 0f}, r2, 1e-6f);
        assertArrayEquals(p, SpeculativeDecoder.residual(p, p.clone()), 0f, "p = q: p itself");
    }

    @Test
    void probabilitiesAreASoftmaxAtTheTemperature() {
        float[] logits = {1f, 2f, 0f, -1f};
        float[] p = SpeculativeDecoder.probabilities(logits, 1f), cold = SpeculativeDecoder.probabilities(logits, 0.5f);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(0) + Math.exp(-1);
        for (int i = 0; i < 4; i++) assertEquals(Math.exp(logits[i]) / z, p[i], 1e-6);
        assertTrue(cold[1] > p[1], "a lower temperature sharpens");
    }

    @Test
    void expectedTokensPerRoundIsAGeometricSum() {
        for (double alpha : new double[] {0, 0.3, 0.6, 0.9, 1}) {
            for (int k = 1; k <= 6; k++) {
                double sum = 0;
                for (int i = 0; i <= k; i++) sum += Math.pow(alpha, i);
                assertEquals(
                        sum, SpeculativeDecoder.expectedTokensPerRound(alpha, k), 1e-12, "α " + alpha + ", k " + k);
            }
        }
        assertEquals(5, SpeculativeDecoder.expectedTokensPerRound(1, 4));
        assertEquals(1, SpeculativeDecoder.expectedTokensPerRound(0, 4));
        assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.expectedTokensPerRound(-0.1, 3));
        assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.expectedTokensPerRound(1.1, 3));
        assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.expectedTokensPerRound(Double.NaN, 3));
        assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.expectedTokensPerRound(0.5, 0));
    }

    @Test
    void badSettingsAreRefused() {
        CachedDecoder otherVocab = CachedDecoder.of(model(new GptConfig(VOCAB + 1, BLOCK, 1, 2, 16, 0f, false), 33));
        var vocabulary =
                assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder(otherVocab, target, 3));
        assertTrue(vocabulary.getMessage().contains("vocabulary"), vocabulary.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder(draft, target, 0));
        assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder(target, target, 3));

        SpeculativeDecoder decoder = new SpeculativeDecoder(draft, target, 3);
        var tooLong =
                assertThrows(IllegalArgumentException.class, () -> decoder.greedy(new int[10], 4)); // 10 + 4 + 3 > 16
        assertTrue(tooLong.getMessage().contains("exceed the context"), tooLong.getMessage());
        assertEquals(3, decoder.greedy(new int[10], 3).tokens().size(), "10 + 3 + 3 = 16 just fits");
        assertThrows(IllegalArgumentException.class, () -> decoder.greedy(new int[0], 3));
        assertThrows(IllegalArgumentException.class, () -> decoder.greedy(new int[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> decoder.sample(new int[] {1}, 3, 0f, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> decoder.sample(new int[] {1}, 3, Float.NaN, new Random(1)));
    }

    /** A draft with a shorter context than the target's: the run must be refused up front, not fail half way. */
    @Test
    void theShorterContextOfTheTwoLimitsTheRun() {
        CachedDecoder shortDraft = CachedDecoder.of(model(new GptConfig(VOCAB, 8, 1, 2, 16, 0f, false), 34));
        SpeculativeDecoder decoder = new SpeculativeDecoder(shortDraft, target, 2);
        var tooLong = assertThrows(
                IllegalArgumentException.class, () -> decoder.greedy(new int[] {1, 2, 3}, 6)); // 3 + 6 + 2 > 8
        assertTrue(tooLong.getMessage().contains("exceed the context"), tooLong.getMessage());
        assertEquals(
                SpeculativeDecoder.greedyAlone(CachedDecoder.of(targetModel), new int[] {1, 2, 3}, 3),
                decoder.greedy(new int[] {1, 2, 3}, 3).tokens());
    }
}

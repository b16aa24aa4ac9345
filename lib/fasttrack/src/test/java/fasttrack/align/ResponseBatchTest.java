package fasttrack.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Encoding, batching and the masked losses: only response targets (the stop marker included) count. */
class ResponseBatchTest {

    private static final InstructionExample SHORT =
            new InstructionExample("define", "ab", "c"); // "Q: ab\nA: c\n": 11 tokens, prompt 9
    private static final InstructionExample LONG =
            new InstructionExample("define", "abc", "ab"); // "Q: abc\nA: ab\n": 13 tokens, prompt 10

    private NDManager nd;
    private CharTokenizer tokenizer;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        tokenizer = CharTokenizer.fit(ChatTemplate.conversation(SHORT) + ChatTemplate.conversation(LONG));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private int id(char c) {
        return tokenizer.encode(String.valueOf(c))[0];
    }

    private ResponseBatch batch() {
        return ResponseBatch.of(
                List.of(EncodedExample.of(SHORT, tokenizer, 16), EncodedExample.of(LONG, tokenizer, 16)));
    }

    @Test
    void theTemplateWrapsThePromptAndEndsTheAnswerWithTheStopMarker() {
        assertEquals("Q: ab\nA: ", ChatTemplate.prompt("ab"));
        assertEquals("Q: abc\nA: ab\n", ChatTemplate.conversation(LONG));
    }

    @Test
    void anEncodedExampleSplitsIntoPromptAndResponseWithTheStopMarker() {
        EncodedExample e = EncodedExample.of(LONG, tokenizer, 16);
        assertEquals(13, e.tokens().length);
        assertEquals(10, e.promptLength());
        assertEquals(3, e.responseLength());
        assertArrayEquals(tokenizer.encode("Q: abc\nA: "), e.prompt());
        assertArrayEquals(new int[] {id('a'), id('b'), id('\n')}, e.response());
    }

    @Test
    void theMaskIsOneExactlyOnResponseTargetsAndZeroOnPromptAndPadding() {
        ResponseBatch b = batch();
        assertEquals(2, b.batchSize());
        assertEquals(12, b.length(), "the longest example has 13 tokens: 12 inputs and 12 targets");
        // Row 0 has 10 targets, the last two ('c' and the stop marker) are the response; 2 padding positions follow.
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0}, Arrays.copyOfRange(b.mask(), 0, 12));
        // Row 1 has 12 targets, the last three ('a', 'b', stop) are the response.
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}, Arrays.copyOfRange(b.mask(), 12, 24));
        // Where the mask is 1 the targets are the response tokens, in order, ending with the stop marker.
        assertArrayEquals(new long[] {id('c'), id('\n')}, Arrays.copyOfRange(b.targets(), 8, 10));
        assertArrayEquals(new long[] {id('a'), id('b'), id('\n')}, Arrays.copyOfRange(b.targets(), 21, 24));
        // Inputs are tokens 0..n−2 and targets 1..n−1 of each example.
        int[] shortTokens = tokenizer.encode(ChatTemplate.conversation(SHORT));
        for (int t = 0; t < 10; t++) {
            assertEquals(shortTokens[t], b.inputs()[t], "input " + t);
            assertEquals(shortTokens[t + 1], b.targets()[t], "target " + t);
        }
        // The mask counts exactly the response tokens of each example.
        assertEquals(2 + 3, sum(b.mask()));
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) s += v;
        return s;
    }

    @Test
    void anEmptyBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ResponseBatch.of(List.of()));
    }

    /** Random logits (2, 12, V) for the batch, in [−2, 2]. */
    private float[] randomLogits(int positions) {
        Random random = new Random(1);
        float[] values = new float[positions * tokenizer.vocabSize()];
        for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() * 4 - 2;
        return values;
    }

    /** log softmax(row)[target] in double. */
    private static double logProb(float[] logits, int position, int vocab, long target) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int v = 0; v < vocab; v++) max = Math.max(max, logits[position * vocab + v]);
        for (int v = 0; v < vocab; v++) sum += Math.exp(logits[position * vocab + v] - max);
        return logits[position * vocab + (int) target] - max - Math.log(sum);
    }

    @Test
    void theLossIsTheMeanCrossEntropyOverResponsePositionsOnly() {
        ResponseBatch b = batch();
        int positions = b.batchSize() * b.length(), vocab = tokenizer.vocabSize();
        float[] values = randomLogits(positions);
        double expected = 0, allPositions = 0;
        int count = 0;
        for (int p = 0; p < positions; p++) {
            double lp = logProb(values, p, vocab, b.targets()[p]);
            allPositions -= lp / positions;
            if (b.mask()[p] == 1) {
                expected -= lp;
                count++;
            }
        }
        expected /= count;
        MaskedLoss.Batch a = MaskedLoss.arrays(b, nd);
        NDArray logits = nd.create(values, new Shape(b.batchSize(), b.length(), vocab));
        double loss = MaskedLoss.loss(logits, a.targets(), a.mask()).getFloat();
        assertEquals(expected, loss, 1e-5);
        assertTrue(
                Math.abs(allPositions - expected) > 1e-3,
                "the unmasked mean differs, so the check tells them apart: " + allPositions + " vs " + expected);

        // Per sequence: the masked sum of log-probabilities, log π(response | prompt).
        float[] perSequence =
                MaskedLoss.sequenceLogProbs(logits, a.targets(), a.mask()).toFloatArray();
        assertEquals(2, perSequence.length);
        for (int row = 0; row < 2; row++) {
            double s = 0;
            for (int t = 0; t < b.length(); t++) {
                int p = row * b.length() + t;
                if (b.mask()[p] == 1) s += logProb(values, p, vocab, b.targets()[p]);
            }
            assertEquals(s, perSequence[row], 1e-5, "row " + row);
        }
        // Every position's log p(target).
        float[] tokenLogProbs = MaskedLoss.tokenLogProbs(logits, a.targets()).toFloatArray();
        for (int p = 0; p < positions; p++)
            assertEquals(logProb(values, p, vocab, b.targets()[p]), tokenLogProbs[p], 1e-5, "position " + p);
    }

    @Test
    void theGradientFromPromptAndPaddingPositionsIsExactlyZero() {
        ResponseBatch b = batch();
        int positions = b.batchSize() * b.length(), vocab = tokenizer.vocabSize();
        float[] values = randomLogits(positions);
        MaskedLoss.Batch a = MaskedLoss.arrays(b, nd);
        NDArray logits = nd.create(values, new Shape(b.batchSize(), b.length(), vocab));
        logits.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(MaskedLoss.loss(logits, a.targets(), a.mask()));
        }
        float[] gradient = logits.getGradient().toFloatArray();
        int responsePositions = (int) sum(b.mask());
        for (int p = 0; p < positions; p++) {
            if (b.mask()[p] == 0) {
                for (int v = 0; v < vocab; v++) {
                    assertTrue(
                            gradient[p * vocab + v] == 0.0f,
                            "prompt/padding position " + p + ", logit " + v + ": " + gradient[p * vocab + v]);
                }
            } else {
                // d loss / d logit_v = (softmax_v − [v = target]) / (number of response positions)
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int v = 0; v < vocab; v++) max = Math.max(max, values[p * vocab + v]);
                for (int v = 0; v < vocab; v++) z += Math.exp(values[p * vocab + v] - max);
                for (int v = 0; v < vocab; v++) {
                    double expected = (Math.exp(values[p * vocab + v] - max) / z - (v == b.targets()[p] ? 1 : 0))
                            / responsePositions;
                    assertEquals(expected, gradient[p * vocab + v], 1e-6, "response position " + p + ", logit " + v);
                    assertTrue(
                            gradient[p * vocab + v] != 0.0f,
                            "response position " + p + ", logit " + v + " gets a gradient");
                }
            }
        }
    }

    @Test
    void aPromptThatFillsTheContextIsRefusedWithAnExplanation() {
        // "Q: ab\nA: " is 9 tokens: a context of 9 leaves no room for an answer.
        var e = assertThrows(IllegalArgumentException.class, () -> EncodedExample.of(SHORT, tokenizer, 9));
        assertTrue(e.getMessage().contains("shorten the prompt"), e.getMessage());
        assertTrue(e.getMessage().contains("9"), e.getMessage());
        EncodedExample.of(SHORT, tokenizer, 10); // 11 tokens: 10 inputs fit a context of 10
    }

    @Test
    void aResponseThatOverflowsTheContextIsRefusedWithHowMuchToCut() {
        // "Q: abc\nA: ab\n" is 13 tokens: 12 inputs, one more than a context of 11.
        var e = assertThrows(IllegalArgumentException.class, () -> EncodedExample.of(LONG, tokenizer, 11));
        assertTrue(e.getMessage().contains("shorten the response by 1 tokens"), e.getMessage());
    }

    @Test
    void aTokenizerThatEncodesThePromptDifferentlyAloneIsRefused() {
        // A tokenizer that encodes the prompt alone differently from the prompt followed by its answer.
        Tokenizer shifting = new Tokenizer() {
            @Override
            public int[] encode(String text) {
                int[] ids = tokenizer.encode(text);
                if (text.endsWith("A: ")) ids[0] = tokenizer.encode("b")[0]; // the prompt alone starts differently
                return ids;
            }

            @Override
            public String decode(int[] ids) {
                return tokenizer.decode(ids);
            }

            @Override
            public int vocabSize() {
                return tokenizer.vocabSize();
            }

            @Override
            public String token(int id) {
                return tokenizer.token(id);
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> EncodedExample.of(LONG, shifting, 16));
        assertTrue(e.getMessage().contains("split"), e.getMessage());
    }

    @Test
    void anEncodedExampleNeedsAPromptAndAResponseToken() {
        assertThrows(IllegalArgumentException.class, () -> new EncodedExample(new int[] {1, 2, 3}, 3));
        assertThrows(IllegalArgumentException.class, () -> new EncodedExample(new int[] {1, 2, 3}, 0));
        assertEquals(1, new EncodedExample(new int[] {1, 2, 3}, 2).responseLength());
    }
}

package fasttrack.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BagOfWordsTest {

    private static final List<String> TEXTS = List.of("Bad, fun!", "good good fun", "GOOD");
    private static final int[] LABELS = {0, 1, 1};

    /**
     * By hand. Class 0: 1 text, words {bad, fun}, N_0 = 2. Class 1: 2 texts, words {good ×3, fun},
     * N_1 = 4. Vocabulary {bad, fun, good}, |V| = 3. For "fun bad zebra" (zebra is unseen: skipped):
     * <pre>
     *   class 0: P(0)·P(fun|0)·P(bad|0) = 1/3 · (1+1)/(2+3) · (1+1)/(2+3) = 4/75
     *   class 1: P(1)·P(fun|1)·P(bad|1) = 2/3 · (1+1)/(4+3) · (0+1)/(4+3) = 4/147
     *   P(0 | text) = (4/75) / (4/75 + 4/147) = 147/222 ≈ 0.662
     * </pre>
     */
    @Test
    void thePosteriorIsTheSmoothedCountsTimesThePrior() {
        BagOfWords model = BagOfWords.train(TEXTS, LABELS, 2);
        assertEquals(3, model.vocabularySize());
        double[] log = model.logPosterior("fun bad zebra");
        assertEquals(147.0 / 222, Math.exp(log[0]), 1e-12);
        assertEquals(75.0 / 222, Math.exp(log[1]), 1e-12);
        assertArrayEquals(
                new double[] {Math.log(1.0 / 3), Math.log(2.0 / 3)},
                model.logPosterior("zebra"),
                1e-12,
                "no known word: the prior");
        assertArrayEquals(new int[] {0, 1, 1}, model.predict(List.of("fun bad zebra", "good", "")));
    }

    @Test
    void wordsAreLowercasedRunsOfLetters() {
        assertEquals(
                List.of("and", "god", "said", "let", "there", "be", "light"),
                BagOfWords.words("And God said, Let there be light: 1:3"));
    }

    @Test
    void badInputIsRejectedWithAReason() {
        var mismatch = assertThrows(IllegalArgumentException.class, () -> BagOfWords.train(TEXTS, new int[] {0, 1}, 2));
        assertTrue(mismatch.getMessage().contains("3 texts but 2 labels"), mismatch.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> BagOfWords.train(TEXTS, new int[] {0, 1, 2}, 2));
        assertTrue(range.getMessage().contains("not a class in 0..1"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BagOfWords.train(List.of(), new int[0], 2));
    }
}

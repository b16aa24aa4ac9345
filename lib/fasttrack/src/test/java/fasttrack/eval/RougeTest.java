package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fasttrack.eval.Rouge.Score;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Published values from Google's rouge-score: github.com/google-research/google-research,
 * rouge/rouge_scorer_test.py (commit 066e6a12), whose "ground truth" comes from runs of the
 * original ROUGE-1.5.5 perl script, on the inputs in rouge/testdata/{target,prediction}.txt.
 */
class RougeTest {

    // rouge/testdata/target.txt and prediction.txt (google-research, Apache 2.0), first two lines: random
    // strings that exercise the tokenizer (punctuation inside words, mixed case).
    private static final String[] TARGETS = {
        "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
        "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN"
    };
    private static final String[] PREDICTIONS = {
        "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
        "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD"
    };

    /** rouge-score's assertAlmostEqual(expected, actual, 5): equal once rounded to 5 decimals. */
    private static void assertScore(double precision, double recall, double f1, Score actual) {
        assertEquals(precision, actual.precision(), 5e-6, "precision");
        assertEquals(recall, actual.recall(), 5e-6, "recall");
        assertEquals(f1, actual.f1(), 5e-6, "F1");
    }

    @Test
    void theTokenizerLowercasesAndSplitsOnEverythingButLettersAndDigits() {
        assertEquals(
                List.of("the", "quick", "brown", "dog", "jumps", "on", "the", "log"),
                Rouge.tokenize("The quick brown dog jumps on the log."));
        assertEquals(List.of("don", "t", "stop", "2024"), Rouge.tokenize("  Don't STOP -- 2024!"));
        assertEquals(List.of("caf"), Rouge.tokenize("café"), "letters outside a-z are dropped, as rouge-score does");
        assertEquals(List.of(), Rouge.tokenize("/ ..."));
    }

    @Test
    void theReadmeExampleByHand() {
        // rouge/README.md: scorer.score('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on
        // the log.')
        // (target first). The README prints no numbers, so these are worked by hand; its use_stemmer=True changes
        // nothing here (jumps -> jump on both sides, lazy -> lazi on one).
        String target = "The quick brown fox jumps over the lazy dog",
                prediction = "The quick brown dog jumps on the log.";
        // target: the ×2, quick, brown, fox, jumps, over, lazy, dog (9 tokens); prediction: the ×2, quick, brown, dog,
        // jumps, on, log (8). Overlap = 2 + 1 + 1 + 1 + 1 = 6: P = 6/8, R = 6/9, F1 = 2·6/(8 + 9) = 12/17.
        Score rouge1 = Rouge.rougeN(1, target, prediction);
        assertEquals(0.75, rouge1.precision(), 1e-15);
        assertEquals(6.0 / 9, rouge1.recall(), 1e-15);
        assertEquals(12.0 / 17, rouge1.f1(), 1e-15);
        // LCS = "the quick brown jumps the" = 5: P = 5/8, R = 5/9, F1 = 10/17.
        Score rougeL = Rouge.rougeL(target, prediction);
        assertEquals(0.625, rougeL.precision(), 1e-15);
        assertEquals(5.0 / 9, rougeL.recall(), 1e-15);
        assertEquals(10.0 / 17, rougeL.f1(), 1e-15);
        // Bigrams: target has 8, prediction 7; shared: "the quick", "quick brown" = 2: P = 2/7, R = 2/8, F1 = 4/15.
        Score rouge2 = Rouge.rougeN(2, target, prediction);
        assertEquals(2.0 / 7, rouge2.precision(), 1e-15);
        assertEquals(0.25, rouge2.recall(), 1e-15);
        assertEquals(4.0 / 15, rouge2.f1(), 1e-15);
    }

    @Test
    void rougeScoreUnitTests() {
        // rouge_scorer_test.py: testRouge1, testRouge2, testRougeLConsecutive, testRougeLNonConsecutive.
        assertScore(1, 1.0 / 3, 0.5, Rouge.rougeN(1, "testing one two", "testing"));
        assertScore(1, 0.5, 2.0 / 3, Rouge.rougeN(2, "testing one two", "testing one"));
        assertScore(1, 2.0 / 3, 0.8, Rouge.rougeL("testing one two", "testing one"));
        assertScore(1, 2.0 / 3, 0.8, Rouge.rougeL("testing one two", "testing two"));
    }

    @Test
    void agreesWithRouge155OnItsTestData() {
        // rouge_scorer_test.py: testRouge1AgainstRouge155, testRouge2AgainstRouge155, testRougeLAgainstRouge155.
        assertScore(0.68750, 0.40741, 0.51163, Rouge.rougeN(1, TARGETS[0], PREDICTIONS[0]));
        assertScore(0.65385, 0.40476, 0.50000, Rouge.rougeN(1, TARGETS[1], PREDICTIONS[1]));
        assertScore(0.53333, 0.30769, 0.39024, Rouge.rougeN(2, TARGETS[0], PREDICTIONS[0]));
        assertScore(0.48000, 0.29268, 0.36364, Rouge.rougeN(2, TARGETS[1], PREDICTIONS[1]));
        assertScore(0.68750, 0.40741, 0.51163, Rouge.rougeL(TARGETS[0], PREDICTIONS[0]));
        assertScore(0.65385, 0.40476, 0.50000, Rouge.rougeL(TARGETS[1], PREDICTIONS[1]));
    }

    @Test
    void theLongestCommonSubsequenceSkipsGaps() {
        // rouge_scorer_test.py testLcsTable: LCS([1,2,3,4,5], [2,5,3,4]) = 3 ("2 3 4"); none with [8, 9].
        assertEquals(3, Rouge.lcsLength(List.of("1", "2", "3", "4", "5"), List.of("2", "5", "3", "4")));
        assertEquals(0, Rouge.lcsLength(List.of("1", "2", "3", "4", "5"), List.of("8", "9")));
    }

    @Test
    void edgeCasesScoreWithoutError() {
        Score zero = new Score(0, 0, 0);
        // testRougeEmpty: an empty prediction scores 0 for every type.
        assertEquals(zero, Rouge.rougeN(1, "testing one two", ""));
        assertEquals(zero, Rouge.rougeN(2, "testing one two", ""));
        assertEquals(zero, Rouge.rougeL("testing one two", ""));
        assertEquals(zero, Rouge.rougeL("", "testing"));
        assertEquals(zero, Rouge.rougeN(1, "a b c", "x y z"), "no match");
        assertEquals(zero, Rouge.rougeN(3, "a b", "a b"), "n longer than both texts: no n-grams, 0 not NaN");
        Score same = Rouge.rougeL("the cat sat", "The cat, sat.");
        assertEquals(new Score(1, 1, 1), same, "identical after tokenizing");
        assertEquals(new Score(1, 1, 1), Rouge.rougeN(2, "the cat sat", "the cat sat"));
    }

    @Test
    void badInputIsRefused() {
        assertMessage("n >= 1", () -> Rouge.rougeN(0, "a", "a"));
        assertMessage("empty list", () -> Rouge.rougeL(List.of("a"), null));
        assertMessage("text must not be null", () -> Rouge.tokenize(null));
    }
}

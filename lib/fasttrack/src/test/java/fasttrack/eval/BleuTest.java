package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertDoctest;
import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fasttrack.eval.Bleu.Smoothing;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Published values come from NLTK's doctests in nltk/translate/bleu_score.py
 * (github.com/nltk/nltk, HEAD f2a92bd7e, 2024, which prints 4 digits and "..."), and where
 * the full digits are quoted, from the same file at commit 4287101e (January 2016, same inputs,
 * before the doctests were shortened with ELLIPSIS in 4f4ce7f3b).
 */
class BleuTest {

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
    }

    // The example of Papineni et al. 2002 as written in NLTK's sentence_bleu docstring.
    static final List<String> HYPOTHESIS1 =
            words("It is a guide to action which ensures that the military always obeys the commands of the party");
    static final List<String> HYPOTHESIS2 =
            words("It is to insure the troops forever hearing the activity guidebook that party direct");
    static final List<String> REFERENCE1 =
            words("It is a guide to action that ensures that the military will forever heed Party commands");
    static final List<String> REFERENCE2 = words(
            "It is the guiding principle which guarantees the military forces always being under the command of the Party");
    static final List<String> REFERENCE3 =
            words("It is the practical guide for the army always to heed the directions of the party");
    static final List<List<String>> REFERENCES = List.of(REFERENCE1, REFERENCE2, REFERENCE3);
    // corpus_bleu's second sentence.
    static final List<String> HYPOTHESIS_BOOK = words("he read the book because he was interested in world history");
    static final List<String> REFERENCE_BOOK = words("he was interested in world history because he read the book");

    @Test
    void clippingStopsRepeatedWordsFromScoring() {
        // "the" ×7 in the hypothesis, at most twice in a reference: p_1 = 2/7.
        // NLTK modified_precision doctest: 0.2857142857142857 (nltk/translate/bleu_score.py @ 4287101e)
        var result = Bleu.sentence(
                words("the the the the the the the"),
                List.of(words("the cat is on the mat"), words("there is a cat on the mat")),
                1,
                Smoothing.NONE);
        assertEquals(new Bleu.Precision(1, 2, 7), result.precisions().get(0));
        assertEquals(0.2857142857142857, result.precision(1), 1e-16);
    }

    @Test
    void aHandComputedSentenceShowsEachFactor() {
        // hyp "a b c d", ref "a b c e": p1 = 3/4, p2 = 2/3, p3 = 1/2, p4 = 0/1; c = r = 4 so BP = exp(1 - 4/4) = 1.
        var hyp = words("a b c d");
        var refs = List.of(words("a b c e"));
        var none = Bleu.sentence(hyp, refs);
        assertEquals(
                List.of(
                        new Bleu.Precision(1, 3, 4),
                        new Bleu.Precision(2, 2, 3),
                        new Bleu.Precision(3, 1, 2),
                        new Bleu.Precision(4, 0, 1)),
                none.precisions());
        assertEquals(1.0, none.brevityPenalty());
        assertEquals(0.0, none.score(), "no 4-gram match and no smoothing: BLEU is 0");
        // ADD_EPSILON: p4 = 0.1/1, BLEU = (3/4 · 2/3 · 1/2 · 0.1)^(1/4) = 0.025^(1/4) = 0.397635...
        assertEquals(
                Math.pow(0.025, 0.25),
                Bleu.sentence(hyp, refs, 4, Smoothing.ADD_EPSILON).score(),
                1e-15);
        // ADD_ONE: p1 = 3/4, p2 = 3/4, p3 = 2/3, p4 = 1/2, BLEU = (3/4 · 3/4 · 2/3 · 1/2)^(1/4) = 0.1875^(1/4) =
        // 0.658037...
        assertEquals(
                Math.pow(0.1875, 0.25),
                Bleu.sentence(hyp, refs, 4, Smoothing.ADD_ONE).score(),
                1e-15);
        // BLEU-3 needs no smoothing: (3/4 · 2/3 · 1/2)^(1/3) = 0.25^(1/3) = 0.629960...
        assertEquals(
                Math.cbrt(0.25), Bleu.sentence(hyp, refs, 3, Smoothing.NONE).score(), 1e-15);
    }

    @Test
    void aShortHypothesisPaysTheBrevityPenalty() {
        // hyp "a b c" (c = 3) inside ref "a b c d e" (r = 5): p1 = p2 = p3 = 1, BP = exp(1 - 5/3) = exp(-2/3) =
        // 0.513417...
        var result = Bleu.sentence(words("a b c"), List.of(words("a b c d e")), 3, Smoothing.NONE);
        assertEquals(Math.exp(-2.0 / 3), result.brevityPenalty(), 1e-15);
        assertEquals(Math.exp(-2.0 / 3), result.score(), 1e-15);
        assertEquals(3, result.hypothesisLength());
        assertEquals(5, result.referenceLength());
    }

    @Test
    void theClosestReferenceLengthPrefersTheShorterOnATie() {
        // c = 12 between references of 13 and 11: r = 11 < c, so BP = 1, in either order (NLTK brevity_penalty
        // doctest).
        var a13 = words(String.join(" ", java.util.Collections.nCopies(13, "a")));
        var a11 = words(String.join(" ", java.util.Collections.nCopies(11, "a")));
        assertEquals(11, Bleu.closestReferenceLength(List.of(a13, a11), 12));
        assertEquals(11, Bleu.closestReferenceLength(List.of(a11, a13), 12));
        assertEquals(1.0, Bleu.brevityPenalty(12, 11));
    }

    @Test
    void brevityPenaltiesMatchNltk() {
        // nltk/translate/bleu_score.py @ 4287101e, sentence_brevity_penalty doctests:
        assertEquals(1.0, Bleu.brevityPenalty(12, 12)); // refs 12, 15, 17; hyp 12
        assertEquals(0.2635971381157267, Bleu.brevityPenalty(12, 28), 1e-16); // refs 28, 28; hyp 12
        assertEquals(0.9200444146293233, Bleu.brevityPenalty(12, 13), 1e-16); // refs 13, 2; hyp 12 -> r = 13
        assertEquals(0.8668778997501817, Bleu.brevityPenalty(7, 8), 1e-16); // refs 11, 8; hyp 7 (mteval-v13a.pl)
    }

    @Test
    void nltkSentenceBleuExample() {
        var result = Bleu.sentence(HYPOTHESIS1, REFERENCES);
        // sentence_bleu([reference1, reference2, reference3], hypothesis1) -> 0.5045666840058485
        // (nltk/translate/bleu_score.py @ 4287101e; HEAD f2a92bd7e prints 0.5045...)
        assertEquals(0.5045666840058485, result.score(), 1e-15);
        assertDoctest("0.5045...", result.score());
        // modified_precision doctests (same file @ 4287101e): p1 = 17/18, p2 = 10/17.
        assertEquals(0.9444444444444444, result.precision(1), 1e-16);
        assertEquals(0.5882352941176471, result.precision(2), 1e-16);
        assertEquals(1.0, result.brevityPenalty());
        // BLEU-2, -3 (weights 1/2 and 1/3, HEAD): [0.7453..., 0.6240..., 0.5045...]; BLEU-5 (weights 1/5, HEAD):
        // 0.3920...
        assertDoctest(
                "0.7453...",
                Bleu.sentence(HYPOTHESIS1, REFERENCES, 2, Smoothing.NONE).score());
        assertDoctest(
                "0.6240...",
                Bleu.sentence(HYPOTHESIS1, REFERENCES, 3, Smoothing.NONE).score());
        assertDoctest(
                "0.3920...",
                Bleu.sentence(HYPOTHESIS1, REFERENCES, 5, Smoothing.NONE).score());
    }

    @Test
    void nltkSmoothingExamples() {
        var hyp2 = Bleu.sentence(HYPOTHESIS2, REFERENCES);
        // modified_precision doctests (@ 4287101e): p1 = 0.5714285714285714, p2 = 0.07692307692307693.
        assertEquals(0.5714285714285714, hyp2.precision(1), 1e-16);
        assertEquals(0.07692307692307693, hyp2.precision(2), 1e-16);
        // No 3-gram match: round(sentence_bleu(...), 4) == 0.0, and method1 gives 0.0370... (HEAD f2a92bd7e).
        assertEquals(0.0, hyp2.score());
        assertDoctest(
                "0.0370...",
                Bleu.sentence(HYPOTHESIS2, REFERENCES, 4, Smoothing.ADD_EPSILON).score());
        // SmoothingFunction doctest (HEAD f2a92bd7e), hypothesis1 against reference1 alone:
        // none 0.4118..., method1 0.4118... (no zero precision to smooth), method2 0.4452...
        var one = List.of(REFERENCE1);
        assertDoctest("0.4118...", Bleu.sentence(HYPOTHESIS1, one).score());
        assertDoctest(
                "0.4118...",
                Bleu.sentence(HYPOTHESIS1, one, 4, Smoothing.ADD_EPSILON).score());
        assertDoctest(
                "0.4452...",
                Bleu.sentence(HYPOTHESIS1, one, 4, Smoothing.ADD_ONE).score());
    }

    @Test
    void corpusBleuSumsCountsInsteadOfAveragingSentences() {
        var hypotheses = List.of(HYPOTHESIS1, HYPOTHESIS_BOOK);
        var references = List.of(REFERENCES, List.of(REFERENCE_BOOK));
        var corpus = Bleu.corpus(hypotheses, references);
        // corpus_bleu(list_of_references, hypotheses) -> 0.5920778868801042
        // (nltk/translate/bleu_score.py @ 927f5d3be, December 2015; HEAD f2a92bd7e prints 0.5920...)
        assertEquals(0.5920778868801042, corpus.score(), 1e-15);
        assertDoctest("0.5920...", corpus.score());
        // The mean of the two sentence BLEUs differs: 0.6223247442490669 (@ 4287101e).
        double mean = (Bleu.sentence(HYPOTHESIS1, REFERENCES).score()
                        + Bleu.sentence(HYPOTHESIS_BOOK, List.of(REFERENCE_BOOK))
                                .score())
                / 2;
        assertEquals(0.6223247442490669, mean, 1e-15);
        // Counts add up: p1 = (17 + 11) / (18 + 11); c = 18 + 11, r = 18 + 11 (ref1b has 18 tokens, ref2a 11).
        assertEquals(new Bleu.Precision(1, 28, 29), corpus.precisions().get(0));
        assertEquals(29, corpus.hypothesisLength());
        assertEquals(29, corpus.referenceLength());
        // Weights (0.5, 0.5) and 5 × 0.2 (HEAD f2a92bd7e): 0.8242..., 0.4719...
        assertDoctest(
                "0.8242...",
                Bleu.corpus(hypotheses, references, 2, Smoothing.NONE).score());
        assertDoctest(
                "0.4719...",
                Bleu.corpus(hypotheses, references, 5, Smoothing.NONE).score());
    }

    @Test
    void identicalSentencesScoreOne() {
        assertEquals(1.0, Bleu.sentence(REFERENCE1, List.of(REFERENCE1)).score(), 1e-15);
    }

    @Test
    void emptyOrUnmatchedHypothesesScoreZeroWithoutError() {
        var empty = Bleu.sentence(List.of(), List.of(REFERENCE1));
        assertEquals(0.0, empty.score());
        assertEquals(0.0, empty.brevityPenalty(), "c = 0: BP = 0");
        assertEquals(
                0.0,
                Bleu.sentence(words("x y z"), List.of(REFERENCE1), 4, Smoothing.ADD_EPSILON)
                        .score(),
                "no unigram match gives 0 even with smoothing");
        // A 2-token hypothesis has no 3- or 4-grams: each counts one unmatched n-gram (p3 = p4 = 0/1).
        var shortOne = Bleu.sentence(words("It is"), List.of(REFERENCE1));
        assertEquals(new Bleu.Precision(4, 0, 1), shortOne.precisions().get(3));
        assertEquals(0.0, shortOne.score());
        // Smoothed: (1 · 1 · 0.1 · 0.1)^(1/4) · exp(1 - 16/2) = 0.1^(1/2) · e^-7.
        assertEquals(
                Math.sqrt(0.1) * Math.exp(-7),
                Bleu.sentence(words("It is"), List.of(REFERENCE1), 4, Smoothing.ADD_EPSILON)
                        .score(),
                1e-15);
    }

    @Test
    void badInputIsRefusedWithAHint() {
        assertMessage("no references", () -> Bleu.sentence(HYPOTHESIS1, List.of()));
        assertMessage(
                "2 hypotheses but 1 reference lists",
                () -> Bleu.corpus(List.of(HYPOTHESIS1, HYPOTHESIS2), List.of(REFERENCES)));
        assertMessage("at least one hypothesis", () -> Bleu.corpus(List.of(), List.of()));
        assertMessage(
                "maxOrder (N) must be at least 1", () -> Bleu.sentence(HYPOTHESIS1, REFERENCES, 0, Smoothing.NONE));
        assertMessage("Smoothing.NONE", () -> Bleu.sentence(HYPOTHESIS1, REFERENCES, 4, null));
        assertMessage(
                "n must be in 1..4",
                () -> Bleu.sentence(HYPOTHESIS1, REFERENCES).precision(5));
    }

    @Test
    void theTableShowsOneRowPerOrder() {
        var table = Bleu.sentence(HYPOTHESIS1, REFERENCES).table();
        assertEquals(4, table.rowCount());
        assertEquals(
                List.of("n", "matches (clipped)", "hypothesis n-grams", "p_n"),
                table.table().columnNames());
    }
}

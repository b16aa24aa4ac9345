package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NgramOverlapTest {

    @Test
    void countsTheValidationNgramsSeenInTraining() {
        // training "abcdef", n = 3: abc bcd cde def. validation "xbcdex": xbc bcd cde dex -> 2 of 4 seen, the first at
        // 1.
        var index = NgramOverlap.ofText(3, "abcdef");
        assertEquals(4, index.distinctNgrams());
        var overlap = index.checkText("xbcdex");
        assertEquals(new NgramOverlap.Overlap(4, 2, 1), overlap);
        assertEquals(0.5, overlap.fraction());
        assertTrue(overlap.contaminated());
    }

    @Test
    void ngramsDoNotSpanTwoTrainingSequences() {
        // "abc" + "def": only abc and def; bcd and cde would cross the boundary.
        var index = NgramOverlap.ofText(3, "abc", "def");
        assertEquals(2, index.distinctNgrams());
        assertEquals(new NgramOverlap.Overlap(4, 2, 0), index.checkText("abcdef"));
    }

    @Test
    void repeatsAreStoredOnce() {
        // "abababa", n = 2: ab ba ab ba ab ba -> 2 distinct.
        assertEquals(2, NgramOverlap.ofText(2, "abababa").distinctNgrams());
    }

    @Test
    void edgeCasesHaveNoNgramsAndNoError() {
        var index = NgramOverlap.ofText(5, "hello world");
        assertEquals(new NgramOverlap.Overlap(0, 0, -1), index.checkText("hey"), "shorter than n");
        assertEquals(0.0, index.checkText("hey").fraction());
        assertEquals(new NgramOverlap.Overlap(3, 0, -1), index.checkText("zzzzzzz"), "no match");
        assertEquals(new NgramOverlap.Overlap(7, 7, 0), index.checkText("hello world"), "identical text: all seen");
        assertEquals(0, NgramOverlap.ofText(20, "short").distinctNgrams(), "training shorter than n");
        assertFalse(NgramOverlap.ofText(20, "short")
                .checkText("short text that is long enough")
                .contaminated());
    }

    @Test
    void eachLineIsCheckedOnItsOwn() {
        var index = NgramOverlap.ofText(13, "The cat sat on the mat and looked at the dog.");
        List<NgramOverlap.Line> lines =
                index.checkLines("A dog sat on the mat today.\r\nNothing to see here at all.\nsat on the mat");
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contaminated(), "shares ' sat on the m'");
        assertEquals(5, lines.get(0).overlap().firstSeen(), "'A dog| sat on the ma' starts at 5");
        assertEquals("A dog sat on the mat today.", lines.get(0).text(), "the \\r is dropped");
        assertFalse(lines.get(1).contaminated());
        // "sat on the mat" has 14 - 13 + 1 = 2 thirteen-grams, both in training.
        assertEquals(new NgramOverlap.Overlap(2, 2, 0), lines.get(2).overlap());
        assertEquals(3, lines.get(2).number());
    }

    @Test
    void tokenIdsWorkLikeCharactersAndCanBeCutIntoWindows() {
        var index = NgramOverlap.of(3, new int[] {5, 6, 7, 8}, new int[] {-1, Integer.MAX_VALUE, 0});
        assertTrue(index.contains(new int[] {9, 6, 7, 8}, 1));
        assertTrue(index.contains(new int[] {-1, Integer.MAX_VALUE, 0}, 0), "any int is a token id");
        assertFalse(index.contains(new int[] {7, 8, -1}, 0), "crosses the boundary");
        // windows of 4: [5 6 7 8] -> 2 trigrams, both seen; [1 2 3 4] -> none; [6 7] -> too short
        List<NgramOverlap.Overlap> windows = index.checkWindows(new int[] {5, 6, 7, 8, 1, 2, 3, 4, 6, 7}, 4);
        assertEquals(
                List.of(
                        new NgramOverlap.Overlap(2, 2, 0),
                        new NgramOverlap.Overlap(2, 0, -1),
                        new NgramOverlap.Overlap(0, 0, -1)),
                windows);
    }

    @Test
    void agreesExactlyWithASetOfAllNgrams() {
        // A 3-letter alphabet makes near-identical n-grams everywhere: the index must agree with a plain
        // set of lists on every validation n-gram, with no false match and no miss.
        Random random = new Random(11);
        int n = 8;
        int[] training = random.ints(20_000, 0, 3).toArray();
        int[] validation = random.ints(5_000, 0, 3).toArray();
        Set<List<Integer>> set = new HashSet<>();
        for (int i = 0; i + n <= training.length; i++)
            set.add(IntStream.of(training).skip(i).limit(n).boxed().toList());
        // 58 position bits leave 6 hash bits: 64 hash values for ~6,500 distinct n-grams, so nearly every
        // lookup meets colliding n-grams and only the token comparison can tell them apart.
        for (var index : List.of(NgramOverlap.of(n, List.of(training)), NgramOverlap.of(n, List.of(training), 58))) {
            assertEquals(set.size(), index.distinctNgrams());
            int seen = 0;
            for (int i = 0; i + n <= validation.length; i++) {
                boolean expected = set.contains(
                        IntStream.of(validation).skip(i).limit(n).boxed().toList());
                assertEquals(expected, index.contains(validation, i), "n-gram at " + i);
                if (expected) seen++;
            }
            assertEquals(seen, index.check(validation).seen());
            assertTrue(seen > 0 && seen < validation.length - n + 1, "both outcomes occur: " + seen);
        }
    }

    @Test
    void findsAPlantedPassageInFourMillionCharacters() {
        // 4 M characters of random words; a 60-character passage copied from training into new validation text.
        Random random = new Random(3);
        String[] words = new String[5000];
        for (int w = 0; w < words.length; w++) {
            StringBuilder word = new StringBuilder();
            for (int c = 0, len = 2 + random.nextInt(8); c < len; c++) word.append((char) ('a' + random.nextInt(26)));
            words[w] = word.toString();
        }
        StringBuilder text = new StringBuilder(4_000_100);
        while (text.length() < 4_000_000)
            text.append(words[random.nextInt(words.length)]).append(' ');
        String training = text.toString();
        var index = NgramOverlap.ofText(13, training);
        List<String> lines = new ArrayList<>();
        for (int l = 0; l < 200; l++) {
            StringBuilder line = new StringBuilder();
            for (int w = 0; w < 12; w++)
                line.append(words[random.nextInt(words.length)].toUpperCase()).append(' ');
            lines.add(line.toString());
        }
        lines.set(120, "prefix " + training.substring(1_234_567, 1_234_627) + " suffix");
        List<NgramOverlap.Line> checked = index.checkLines(String.join("\n", lines));
        assertEquals(
                List.of(121),
                checked.stream()
                        .filter(NgramOverlap.Line::contaminated)
                        .map(NgramOverlap.Line::number)
                        .toList(),
                "only the planted line (upper-case words never occur in training)");
        assertTrue(checked.get(120).overlap().seen() >= 60 - 13 + 1);
    }

    @Test
    void badInputIsRefused() {
        assertMessage("n must be at least 1", () -> NgramOverlap.ofText(0, "abc"));
        assertMessage("at least one training sequence", () -> NgramOverlap.of(3, List.of()));
        assertMessage("a training text is null", () -> NgramOverlap.ofText(3, "abc", null));
        assertMessage(
                "needs 3 tokens, the sequence has 4",
                () -> NgramOverlap.ofText(3, "abc").contains(new int[] {1, 2, 3, 4}, 2));
        assertMessage(
                "windowLength must be at least n = 3",
                () -> NgramOverlap.ofText(3, "abc").checkWindows(new int[] {1, 2, 3}, 2));
    }
}

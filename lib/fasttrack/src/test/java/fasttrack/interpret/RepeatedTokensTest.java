package fasttrack.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Repeated random strings: distinct tokens, then the same tokens again, to the end of the row. */
class RepeatedTokensTest {

    private static final int VOCAB = 20, LENGTH = 16;

    /** Checks a row by hand: length + 1 tokens in range, the first {@code prefix} distinct, then periodic with that period. */
    private static void assertRepeats(int[] row, int prefix) {
        assertEquals(LENGTH + 1, row.length, "inputs plus the last target");
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < prefix; i++) {
            assertTrue(row[i] >= 0 && row[i] < VOCAB, "token " + row[i] + " in the vocabulary");
            assertTrue(
                    seen.add(row[i]),
                    "the first " + prefix + " tokens are distinct: " + java.util.Arrays.toString(row));
        }
        for (int i = prefix; i < row.length; i++)
            assertEquals(row[i - prefix], row[i], "position " + i + " repeats position " + (i - prefix));
    }

    /** The string's length, read off a row: the first position whose token occurred before. */
    private static int prefixOf(int[] row) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < row.length; i++) if (!seen.add(row[i])) return i;
        return -1;
    }

    @Test
    void aSequenceIsDistinctTokensThenTheSameTokensAgain() {
        RepeatedTokens repeats = new RepeatedTokens(VOCAB, LENGTH, 2, 8);
        assertEquals(LENGTH, repeats.length());
        Random random = new Random(1);
        for (int prefix = 2; prefix <= 8; prefix++) {
            int[] row = repeats.sequence(random, prefix);
            assertRepeats(row, prefix);
            assertEquals(prefix, prefixOf(row), "the repeat starts right after the string");
        }
        // A string of 3 repeats more than twice: 0 1 2 | 3 4 5 | ... all the way to position 16.
        int[] three = repeats.sequence(new Random(2), 3);
        for (int i = 3; i <= LENGTH; i++) assertEquals(three[i % 3], three[i]);
    }

    @Test
    void aStringCanUseTheWholeVocabulary() {
        RepeatedTokens repeats = new RepeatedTokens(8, LENGTH, 2, 8);
        int[] row = repeats.sequence(new Random(3), 8);
        assertRepeats(row, 8);
        Set<Integer> tokens = new HashSet<>();
        for (int i = 0; i < 8; i++) tokens.add(row[i]);
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), tokens, "a permutation of all 8 tokens");
    }

    @Test
    void aBatchDrawsStringLengthsAcrossTheWholeRange() {
        RepeatedTokens repeats = new RepeatedTokens(VOCAB, LENGTH, 3, 7);
        int[][] rows = repeats.batch(new Random(4), 200);
        assertEquals(200, rows.length);
        Set<Integer> lengths = new HashSet<>();
        Set<Integer> firstTokens = new HashSet<>();
        for (int[] row : rows) {
            int prefix = prefixOf(row);
            assertTrue(prefix >= 3 && prefix <= 7, "string length " + prefix + " in [3, 7]");
            assertRepeats(row, prefix);
            lengths.add(prefix);
            firstTokens.add(row[0]);
        }
        assertEquals(Set.of(3, 4, 5, 6, 7), lengths, "both ends and everything between occur");
        assertTrue(firstTokens.size() > 10, "the tokens are drawn at random: " + firstTokens);
    }

    @Test
    void aFixedPrefixBatchRepeatsAtThatPositionAndOneSeedGivesOneBatch() {
        RepeatedTokens repeats = new RepeatedTokens(VOCAB, LENGTH, 2, 8);
        int[][] rows = repeats.batch(new Random(5), 10, 8);
        for (int[] row : rows) {
            assertRepeats(row, 8);
            assertEquals(8, prefixOf(row));
        }
        int[][] again = repeats.batch(new Random(5), 10, 8);
        for (int i = 0; i < rows.length; i++) assertArrayEquals(rows[i], again[i]);
    }

    @Test
    void badSettingsAreRefusedWithTheirReason() {
        IllegalArgumentException shortRows =
                assertThrows(IllegalArgumentException.class, () -> new RepeatedTokens(VOCAB, 15, 2, 8));
        assertTrue(shortRows.getMessage().contains("too short to repeat"), shortRows.getMessage());
        new RepeatedTokens(VOCAB, 16, 2, 8); // 2 · 8 = 16 just fits
        IllegalArgumentException tiny =
                assertThrows(IllegalArgumentException.class, () -> new RepeatedTokens(VOCAB, LENGTH, 1, 4));
        assertTrue(tiny.getMessage().contains("at least 2"), tiny.getMessage());
        IllegalArgumentException vocab =
                assertThrows(IllegalArgumentException.class, () -> new RepeatedTokens(5, LENGTH, 2, 6));
        assertTrue(vocab.getMessage().contains("distinct tokens from a vocabulary of 5"), vocab.getMessage());
        IllegalArgumentException order =
                assertThrows(IllegalArgumentException.class, () -> new RepeatedTokens(VOCAB, LENGTH, 5, 4));
        assertTrue(order.getMessage().contains("below minPrefix"), order.getMessage());
    }

    @Test
    void aPrefixOutsideTheRangeIsRefused() {
        RepeatedTokens repeats = new RepeatedTokens(VOCAB, LENGTH, 3, 6);
        Random random = new Random(6);
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> repeats.sequence(random, 2));
        assertTrue(low.getMessage().contains("outside [3, 6]"), low.getMessage());
        assertThrows(IllegalArgumentException.class, () -> repeats.sequence(random, 7));
        assertThrows(IllegalArgumentException.class, () -> repeats.batch(random, 3, 7));
    }
}

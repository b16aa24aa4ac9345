package fasttrack.interpret;

import java.util.Random;

/**
 * Sequences that only in-context learning can predict: a string of distinct random tokens, then the
 * same string again (and again, until the sequence is full). The first copy is unpredictable, the
 * repeat is fully predictable by a model that looks back for the current token's previous occurrence
 * and copies what came next. The string's length varies from sequence to sequence, so no fixed
 * position tells where the repeat starts: the model cannot shortcut with absolute positions.
 */
public final class RepeatedTokens {

    private final int vocabSize;
    private final int length;
    private final int minPrefix;
    private final int maxPrefix;

    /**
     * @param vocabSize tokens to draw from (ids 0 .. vocabSize − 1)
     * @param length    tokens per sequence, the model's inputs; each row also carries one more token, the last target
     * @param minPrefix shortest random string
     * @param maxPrefix longest random string: at most length / 2, so every sequence holds a whole repeat
     */
    public RepeatedTokens(int vocabSize, int length, int minPrefix, int maxPrefix) {
        if (minPrefix < 2)
            throw new IllegalArgumentException(
                    "the random string needs at least 2 tokens to have a next one to copy, got " + minPrefix);
        if (maxPrefix < minPrefix)
            throw new IllegalArgumentException("maxPrefix " + maxPrefix + " is below minPrefix " + minPrefix);
        if (2 * maxPrefix > length) {
            throw new IllegalArgumentException("a sequence of " + length + " tokens is too short to repeat a string of "
                    + maxPrefix + ": use maxPrefix <= " + length / 2 + " or longer sequences");
        }
        if (maxPrefix > vocabSize)
            throw new IllegalArgumentException(
                    "cannot draw " + maxPrefix + " distinct tokens from a vocabulary of " + vocabSize);
        this.vocabSize = vocabSize;
        this.length = length;
        this.minPrefix = minPrefix;
        this.maxPrefix = maxPrefix;
    }

    public int length() {
        return length;
    }

    /** {@code count} rows of length + 1 tokens (inputs are the first length, targets the last length), string lengths drawn at random. */
    public int[][] batch(Random random, int count) {
        int[][] rows = new int[count][];
        for (int i = 0; i < count; i++)
            rows[i] = sequence(random, minPrefix + random.nextInt(maxPrefix - minPrefix + 1));
        return rows;
    }

    /** {@code count} rows whose random strings all have {@code prefix} tokens: the repeat starts at position {@code prefix}. */
    public int[][] batch(Random random, int count, int prefix) {
        int[][] rows = new int[count][];
        for (int i = 0; i < count; i++) rows[i] = sequence(random, prefix);
        return rows;
    }

    /** One row: {@code prefix} distinct random tokens, repeated to length + 1 tokens. */
    public int[] sequence(Random random, int prefix) {
        if (prefix < minPrefix || prefix > maxPrefix)
            throw new IllegalArgumentException(
                    "prefix " + prefix + " is outside [" + minPrefix + ", " + maxPrefix + "]");
        int[] pool = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) pool[i] = i;
        int[] row = new int[length + 1];
        for (int i = 0; i < prefix; i++) { // a partial Fisher–Yates shuffle: distinct tokens
            int j = i + random.nextInt(vocabSize - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
            row[i] = pool[i];
        }
        for (int i = prefix; i <= length; i++) row[i] = row[i - prefix];
        return row;
    }

    @Override
    public String toString() {
        return "RepeatedTokens(vocab " + vocabSize + ", length " + length + ", strings of " + minPrefix + ".."
                + maxPrefix + " tokens)";
    }
}

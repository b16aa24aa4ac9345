package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CachedDecoder's block decoding (several tokens in one pass) and rewinding, which speculative decoding relies on; its numbers are {@link CachedDecoderEquivalenceTest}'s. */
class CachedDecoderBlockTest {

    private static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 10, 0};

    private NDManager nd;
    private Gpt model;

    @BeforeEach
    void setUp() {
        Setup.seed(17);
        nd = Setup.manager().newSubManager();
        model = new Gpt(new GptConfig(11, 16, 2, 2, 16, 0f, false)).initialize(nd);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** Logits after each of {@code tokens}, one call per token (copied: next(int) reuses its array). */
    private static float[][] oneByOne(CachedDecoder decoder, int[] tokens, int from, int to) {
        float[][] out = new float[to - from][];
        for (int t = from; t < to; t++) out[t - from] = decoder.next(tokens[t]).clone();
        return out;
    }

    @Test
    void blockResultsAreFreshArrays() {
        CachedDecoder decoder = CachedDecoder.of(model);
        float[][] first = decoder.next(new int[] {1, 2});
        float[] copy = first[1].clone();
        decoder.next(new int[] {3, 4});
        decoder.next(5);
        assertArrayEquals(copy, first[1], 0f);
        assertEquals(0, decoder.next(new int[0]).length);
        assertEquals(5, decoder.length(), "an empty block appends nothing");
    }

    @Test
    void rewindingThenReadingAgainReproducesTheLogits() {
        CachedDecoder decoder = CachedDecoder.of(model);
        float[][] before = oneByOne(decoder, TOKENS, 0, 10);
        decoder.rewind(4);
        assertEquals(4, decoder.length());
        float[][] again = oneByOne(decoder, TOKENS, 4, 10);
        for (int t = 4; t < 10; t++) assertArrayEquals(before[t], again[t - 4], 0f, "position " + t);
        // Other tokens overwrite the rewound positions; rewinding again and reading the originals restores them.
        decoder.rewind(6);
        decoder.next(new int[] {0, 0, 0});
        decoder.rewind(6);
        float[][] restored = decoder.next(java.util.Arrays.copyOfRange(TOKENS, 6, 10));
        for (int t = 6; t < 10; t++) assertArrayEquals(before[t], restored[t - 6], "position " + t); // bit for bit
        decoder.rewind(0);
        assertArrayEquals(before[0], decoder.next(TOKENS[0]), 0f, "rewind(0) is clear()");
        decoder.rewind(1);
        assertEquals(1, decoder.length(), "rewinding to the current length changes nothing");
    }

    @Test
    void badBlocksAndRewindsAreRefused() {
        CachedDecoder decoder = CachedDecoder.of(model);
        assertEquals(11, decoder.vocabSize());
        assertEquals(16, decoder.blockSize());
        decoder.next(new int[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> decoder.rewind(4), "beyond the cached length");
        assertThrows(IllegalArgumentException.class, () -> decoder.rewind(-1));
        assertThrows(IllegalArgumentException.class, () -> decoder.next(new int[] {1, 11}));
        assertThrows(IllegalArgumentException.class, () -> decoder.next(new int[] {-1}));
        assertEquals(3, decoder.length(), "a refused block appends nothing");
        assertThrows(IllegalStateException.class, () -> decoder.next(new int[14]), "3 + 14 > 16");
        assertEquals(3, decoder.length());
        decoder.next(new int[13]);
        assertEquals(16, decoder.length());
        assertThrows(IllegalStateException.class, () -> decoder.next(1));
    }
}

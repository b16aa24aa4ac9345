package fasttrack.text;

import java.nio.charset.StandardCharsets;

/** Text to token ids and back. */
public interface Tokenizer {

    int[] encode(String text);

    String decode(int[] ids);

    /** Ids run from 0 to vocabSize() − 1. */
    int vocabSize();

    /** The text of one token, for display. */
    String token(int id);

    /** UTF-8 bytes per token on {@code text}: how much the tokenizer compresses (higher is shorter sequences). */
    default double bytesPerToken(String text) {
        int tokens = encode(text).length;
        if (tokens == 0) throw new IllegalArgumentException("the text is empty: no tokens to measure");
        return (double) text.getBytes(StandardCharsets.UTF_8).length / tokens;
    }

    /** Checks an id is in range, with a message naming the tokenizer's vocabulary size. */
    static void requireId(int id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(
                    "token id " + id + " is out of range: this tokenizer has ids 0.." + (vocabSize - 1));
        }
    }
}

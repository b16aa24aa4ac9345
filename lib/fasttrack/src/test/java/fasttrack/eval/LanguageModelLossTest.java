package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LanguageModelLossTest {

    private static final double LN2 = Math.log(2);

    @Test
    void oneBitPerTokenIsPerplexityTwo() {
        // H = ln 2 nats: e^H = 2, H / ln 2 = 1 bit.
        var loss = new LanguageModelLoss(LN2, 10);
        assertEquals(2.0, loss.perplexity(), 1e-15);
        assertEquals(1.0, loss.bitsPerToken(), 1e-15);
        assertEquals(10 * LN2, loss.totalNats(), 1e-15);
    }

    @Test
    void aUniformGuessOver65CharactersHasPerplexity65() {
        // Uniform over a vocabulary of V: H = ln V, perplexity V, bits log2 V (65 characters: 6.022 bits).
        var loss = new LanguageModelLoss(Math.log(65), 1000);
        assertEquals(65.0, loss.perplexity(), 1e-12);
        assertEquals(Math.log(65) / LN2, loss.bitsPerToken(), 1e-15);
    }

    @Test
    void bitsPerCharacterAndByteDivideTheSameTotal() {
        // H = 2 nats over T = 1000 tokens of a 4000-character ASCII text: 2000 nats = 2000 / ln 2 bits,
        // per character 2000 / (4000 ln 2) = 0.5 / ln 2 = 0.7213...; ASCII: one byte per character.
        var loss = new LanguageModelLoss(2.0, 1000);
        assertEquals(0.5 / LN2, loss.bitsPerCharacter(4000), 1e-15);
        assertEquals(0.5 / LN2, loss.bitsPerByte(4000), 1e-15);
        // A character model (one token per character) has bits per character = bits per token.
        var chars = new LanguageModelLoss(1.3, 4000);
        assertEquals(chars.bitsPerToken(), chars.bitsPerCharacter(4000), 1e-15);
    }

    @Test
    void textIsCountedInCodePointsAndUtf8Bytes() {
        // "héllo": 5 characters, 6 UTF-8 bytes (é takes 2). H = ln 2 over 5 tokens = 5 bits:
        // 5/5 = 1 bit per character, 5/6 bits per byte.
        var loss = new LanguageModelLoss(LN2, 5);
        assertEquals(1.0, loss.bitsPerCharacter("héllo"), 1e-15);
        assertEquals(5.0 / 6, loss.bitsPerByte("héllo"), 1e-15);
        // "😀a": 2 code points (3 Java chars), 5 bytes. 2 tokens at ln 2 = 2 bits: 1 per character, 0.4 per byte.
        var emoji = new LanguageModelLoss(LN2, 2);
        assertEquals(1.0, emoji.bitsPerCharacter("😀a"), 1e-15);
        assertEquals(0.4, emoji.bitsPerByte("😀a"), 1e-15);
    }

    @Test
    void badCountsAreRefused() {
        assertMessage("tokens must be positive", () -> new LanguageModelLoss(1.0, 0));
        assertMessage("finite cross-entropy >= 0", () -> new LanguageModelLoss(-0.1, 10));
        assertMessage("finite cross-entropy >= 0", () -> new LanguageModelLoss(Double.NaN, 10));
        assertMessage("finite cross-entropy >= 0", () -> new LanguageModelLoss(Double.POSITIVE_INFINITY, 10));
        assertMessage("characters must be positive", () -> new LanguageModelLoss(1.0, 10).bitsPerCharacter(0));
        assertMessage("bytes must be positive", () -> new LanguageModelLoss(1.0, 10).bitsPerByte(-1));
        assertMessage("not an empty one", () -> new LanguageModelLoss(1.0, 10).bitsPerByte(""));
    }
}

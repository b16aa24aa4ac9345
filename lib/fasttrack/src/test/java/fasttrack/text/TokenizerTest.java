package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    private static Corpus.Split split;
    private static BpeTokenizer bpe;

    @BeforeAll
    static void trainOnce() {
        split = new Corpus("kjv-prefix", Corpus.kjv().text().substring(0, 400_000)).split(0.9);
        bpe = BpeTokenizer.train(split.train(), 400);
    }

    @Test
    void charactersRoundTripAndUnknownsAreVisible() {
        CharTokenizer chars = CharTokenizer.fit("hello world");
        assertEquals(8 + 1, chars.vocabSize(), "' dehlorw' plus unknown");
        assertEquals("hello world", chars.decode(chars.encode("hello world")));
        int[] ids = chars.encode("hello, wörld");
        assertEquals(chars.unknownId(), ids[5]);
        assertEquals("hello\uFFFD w\uFFFDrld", chars.decode(ids));
        assertThrows(IllegalArgumentException.class, () -> chars.token(99));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
    }

    @Test
    void bpeRoundTripsArbitraryUnicode() {
        String[] samples = {
            "",
            "héllo wörld",
            "你好，世界",
            "🙂👍🏽 family: 👨‍👩‍👧",
            "tabs\tand\r\nnewlines  ",
            "e\u0301 combining",
            "\u0000\u0001 control",
            "It's they'll I'd",
            "12345 678"
        };
        for (String s : samples) assertEquals(s, bpe.decode(bpe.encode(s)), s);
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                int cp;
                do {
                    cp = random.nextInt(0x2FFFF);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                s.appendCodePoint(cp);
            }
            assertEquals(s.toString(), bpe.decode(bpe.encode(s.toString())));
        }
    }

    @Test
    void bpeCompressesHeldOutTextAndMoreMergesCompressMore() {
        double bytes = bpe.truncated(0).bytesPerToken(split.validation());
        double some = bpe.truncated(50).bytesPerToken(split.validation());
        double all = bpe.bytesPerToken(split.validation());
        assertEquals(1.0, bytes, 1e-12, "no merges: one token per byte");
        assertTrue(1.0 < some && some < all, bytes + " < " + some + " < " + all);
        assertTrue(all > 2.0, "400 tokens on English: over 2 bytes per token, got " + all);
    }

    @Test
    void theFirstMergesAreTheCommonestPairs() {
        BpeTokenizer.Merge first = bpe.merges().get(0);
        assertEquals("th", bpe.token(first.id()));
        for (int i = 1; i < bpe.merges().size(); i++) {
            assertTrue(bpe.merges().get(i).count() <= bpe.merges().get(i - 1).count(), "counts never increase");
        }
        assertEquals(bpe.merges(), BpeTokenizer.train(split.train(), 400).merges(), "training is deterministic");
    }

    @Test
    void tokenizerJsonRoundTripsAndHuggingFaceEncodesIdentically(@TempDir Path dir) throws Exception {
        Path json = bpe.saveTokenizerJson(dir.resolve("tokenizer.json"));
        BpeTokenizer loaded = BpeTokenizer.load(json);
        assertEquals(
                bpe.merges().stream().map(m -> m.id()).toList(),
                loaded.merges().stream().map(m -> m.id()).toList());
        String text = split.validation().substring(0, 20_000) + " héllo 你好 🙂 it's 2024\t\n  end ";
        assertArrayEquals(bpe.encode(text), loaded.encode(text));
        try (var hf = HuggingFaceTokenizers.load(json)) {
            assertArrayEquals(bpe.encode(text), HuggingFaceTokenizers.encode(hf, text));
        }
    }

    @Test
    void badInputIsExplained(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train("abc", 255));
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train("", 300));
        var exhausted = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train("ab ab", 300));
        assertTrue(exhausted.getMessage().contains("no pairs left"), exhausted.getMessage());
        Path corrupt = Files.writeString(
                dir.resolve("bad.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": [\"a b\"]}}");
        var bad = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.load(corrupt));
        assertTrue(bad.getMessage().contains("not a byte-level BPE tokenizer.json"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.load(dir.resolve("missing.json")));
        assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {bpe.vocabSize()}));
        assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizers.load(dir.resolve("missing.json")));
    }

    @Test
    void partialCharactersDecodeToReplacementAndShowAsBytes() {
        int[] euro = bpe.encode("€"); // 3 bytes, unlikely to be merged in English text
        assertEquals(3, euro.length);
        assertEquals("\uFFFD", bpe.decode(new int[] {euro[0]}));
        assertEquals("<0xE2>", bpe.token(euro[0]));
    }
}

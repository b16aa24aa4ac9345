package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RankedBpe without node: the JavaScript patterns' translation on tricky strings, the merge rule, special
 * tokens and bad rank files, on small rank tables generated here. The comparison with js-tiktoken itself,
 * on OpenAI's real tables, is {@link RankedBpeJsTiktokenTest}.
 */
class RankedBpeTest {

    // The three patterns as js-tiktoken 1.0.21's rank files give them (JavaScript syntax).
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    static final String CL100K =
            "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String CONTRACTIONS = "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)";
    static final String O200K =
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+" + CONTRACTIONS
                    + "?"
                    + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
                    + CONTRACTIONS + "?"
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static List<String> chunks(String jsPattern, String text) {
        return ByteLevel.chunks(RankedBpe.javaPattern(jsPattern), text);
    }

    @Test
    void gpt2PatternCutsContractionsWordsNumbersAndWhitespaceRuns() {
        assertEquals(List.of("I", "'m", " here", "'s", " it", "'ll"), chunks(GPT2, "I'm here's it'll"));
        assertEquals(
                List.of("it", "'", "S", " WE", "'", "LL", " they", "'", "RE"),
                chunks(GPT2, "it'S WE'LL they'RE"),
                "GPT-2's contractions are lowercase only");
        assertEquals(
                List.of("hello", "  ", " world"),
                chunks(GPT2, "hello   world"),
                "a space run leaves its last space to the next word");
        assertEquals(
                List.of(" 123456789", ",", "000"), chunks(GPT2, " 123456789,000"), "any number of digits in one chunk");
        assertEquals(List.of("end", "\t\n  "), chunks(GPT2, "end\t\n  "));
        assertEquals(
                List.of("caf\u00e9", " \u4f60\u597d", " \ud83d\udc4d\ud83c\udffd!!"),
                chunks(GPT2, "caf\u00e9 \u4f60\u597d \ud83d\udc4d\ud83c\udffd!!"));
        assertEquals(
                List.of("e", "\u0301"),
                chunks(GPT2, "e\u0301"),
                "a combining mark is no letter (\\p{M}): its own chunk in GPT-2");
    }

    @Test
    void javascriptWhitespaceIsNotJavas() {
        // U+0085 (NEL) is whitespace to Java's UNICODE_CHARACTER_CLASS (and ByteLevel.CHUNK) but not to JavaScript;
        // U+FEFF is whitespace to JavaScript only. The translation follows JavaScript.
        assertEquals(List.of("a", " \u0085", "b"), chunks(GPT2, "a \u0085b"));
        assertEquals(
                List.of("a", " ", "\u0085", "b"),
                ByteLevel.chunks("a \u0085b"),
                "the course's HuggingFace-compatible pattern differs here");
        assertEquals(List.of("a", " ", "\ufeff", "b"), chunks(GPT2, "a \ufeffb"));
        Pattern js = RankedBpe.javaPattern("\\s+");
        for (int cp : new int[] {
            '\t', '\n', 0x0B, '\f', '\r', ' ', 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
            0xFEFF
        }) {
            assertTrue(
                    js.matcher(Character.toString(cp)).matches(), "JavaScript's \\s has U+" + Integer.toHexString(cp));
        }
        for (int cp : new int[] {0x85, 0x180E, 0x200B, 0x1C, 'a'}) {
            assertFalse(
                    js.matcher(Character.toString(cp)).matches(),
                    "JavaScript's \\s has no U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void cl100kPatternCutsCaseInsensitiveContractionsAndThreeDigitNumbers() {
        assertEquals(
                List.of("I", "'M", " HE", "'LL", " it", "'S", " they", "'Re"),
                chunks(CL100K, "I'M HE'LL it'S they'Re"));
        assertEquals(
                List.of("123", "456", "7", " ", "12"),
                chunks(CL100K, "1234567 12"),
                "numbers in threes, from the left, no leading space");
        assertEquals(
                List.of("\thello", "$world", "\r\n\r\n", "x"),
                chunks(CL100K, "\thello$world\r\n\r\nx"),
                "one non-letter may lead a word, a newline may not");
        assertEquals(
                List.of(" !!!\n\n", "next"),
                chunks(CL100K, " !!!\n\nnext"),
                "punctuation takes the line breaks after it");
        assertEquals(List.of("x", "  \n", "  ", " y"), chunks(CL100K, "x  \n   y"));
    }

    @Test
    void o200kPatternSplitsCamelCaseAndKeepsContractionsWithTheirWord() {
        assertEquals(List.of("hello", "World", "JSONParser"), chunks(O200K, "helloWorldJSONParser"));
        assertEquals(List.of("don't", " WE'LL", " it's"), chunks(O200K, "don't WE'LL it's"));
        assertEquals(List.of("a", "/b", "/\n"), chunks(O200K, "a/b/\n"));
        assertEquals(
                List.of("e\u0301t\u00e9"),
                chunks(O200K, "e\u0301t\u00e9"),
                "combining marks stay in the word (\\p{M})");
        assertEquals(
                List.of("\u0645\u0631\u062d\u0628\u0627", " \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"),
                chunks(O200K, "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"));
    }

    @Test
    void loneSurrogatesAreChunkedAsCodePointsAndEncodedAsReplacementCharacters() {
        assertEquals(List.of("a", "\ud800", "b"), chunks(GPT2, "a\ud800b"));
        assertEquals(
                List.of(" \udc00\ud800!"),
                chunks(GPT2, " \udc00\ud800!"),
                "a lone surrogate is neither letter, number nor space");
        assertArrayEquals("\ufffd".getBytes(StandardCharsets.UTF_8), ByteLevel.utf8("\ud800"));
        assertArrayEquals(
                "a\ufffd\ufffdb\ud83d\ude00\ufffd".getBytes(StandardCharsets.UTF_8),
                ByteLevel.utf8("a\udc00\ud800b\ud83d\ude00\ud83d"));
        assertEquals(
                "?",
                new String("\ud800".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "what String.getBytes would have done");
    }

    @Test
    void javascriptSyntaxWithoutAJavaMeaningIsRefusedOrTranslated() {
        assertTrue(
                RankedBpe.javaPattern("[a&&b]").matcher("&").matches(),
                "'&&' in a JavaScript class is two ampersands, not an intersection");
        assertTrue(RankedBpe.javaPattern("[[]").matcher("[").matches(), "'[' in a JavaScript class is a bracket");
        assertFalse(RankedBpe.javaPattern("a$").matcher("a\n").find(), "JavaScript's $ is the end of the text");
        assertFalse(RankedBpe.javaPattern(".").matcher("\u2028").matches());
        assertTrue(
                RankedBpe.javaPattern(".").matcher("\u0085").matches(), "JavaScript's . matches NEL; Java's does not");
        for (String bad : List.of("[^\\S]", "\\bword", "\\p{Script=Greek}", "[abc", "x\\")) {
            var e = assertThrows(IllegalArgumentException.class, () -> RankedBpe.javaPattern(bad), bad);
            assertTrue(e.getMessage().startsWith("cannot translate the JavaScript pattern"), e.getMessage());
        }
    }

    @Test
    void mergesTheLowestRankFirstAndAWholeChunkTokenWins(@TempDir Path dir) throws Exception {
        Map<String, Integer> extra = new LinkedHashMap<>();
        extra.put("ab", 256);
        extra.put("bc", 257);
        extra.put("abc", 259); // from ab + c (and a + bc): reached through ab, the lower rank
        extra.put("xyz", 260); // no two-byte token leads to it: only a whole chunk "xyz" is this token
        extra.put(" ab", 261);
        RankedBpe bpe = RankedBpe.load(rankFile(dir, "tiny.js", GPT2, extra, Map.of("<|endoftext|>", 262)));
        assertEquals(263, bpe.vocabSize());
        assertEquals(261, bpe.ordinaryTokens());
        assertArrayEquals(new int[] {259}, bpe.encode("abc"));
        assertArrayEquals(new int[] {256, 'a'}, bpe.encode("aba"));
        assertArrayEquals(new int[] {259, 'b'}, bpe.encode("abcb"), "a+b (256) before b+c (257), then ab+c (259)");
        assertArrayEquals(new int[] {260}, bpe.encode("xyz"), "the whole chunk is a token: tiktoken takes it");
        assertArrayEquals(new int[] {' ', 'x', 'y', 'z'}, bpe.encode(" xyz"), "' xyz' is not, and no pair merges");
        assertArrayEquals(
                new int[] {' ', 259}, bpe.encode(" abc"), "a+b first (256); then ab+c (259) outranks ' '+ab (261)");
        assertEquals(" abc", bpe.decode(bpe.encode(" abc")));
        assertArrayEquals(bpe.encode("abcabc xyz"), bpe.withoutCache().encode("abcabc xyz"));
    }

    @Test
    void specialTokensAreTextUnlessAllowed(@TempDir Path dir) throws Exception {
        RankedBpe bpe = RankedBpe.load(rankFile(dir, "tiny.js", GPT2, Map.of(), Map.of("<|endoftext|>", 256)));
        String text = "a<|endoftext|>b";
        int[] ordinary = bpe.encode(text);
        assertEquals(text.length(), ordinary.length, "no merges: one token per byte");
        for (int id : ordinary) assertTrue(id < 256, "ordinary text gives no special id");
        assertArrayEquals(new int[] {'a', 256, 'b'}, bpe.encode(text, Set.of("<|endoftext|>")));
        assertArrayEquals(ordinary, bpe.encode(text, Set.of()));
        assertEquals(text, bpe.decode(bpe.encode(text, Set.of("<|endoftext|>"))));
        assertEquals("<|endoftext|>", bpe.token(256));
        var unknown = assertThrows(IllegalArgumentException.class, () -> bpe.encode(text, Set.of("<|im_start|>")));
        assertTrue(
                unknown.getMessage().contains("[<|im_start|>] are not special tokens of tiny"), unknown.getMessage());
    }

    @Test
    void unusedIdsAndBadRankFilesAreExplained(@TempDir Path dir) throws Exception {
        RankedBpe gap = RankedBpe.load(rankFile(dir, "gap.js", GPT2, Map.of("ab", 300), Map.of("<|endoftext|>", 301)));
        var unused = assertThrows(IllegalArgumentException.class, () -> gap.decode(new int[] {'a', 257}));
        assertTrue(unused.getMessage().contains("token id 257 is unused in gap"), unused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gap.decode(new int[] {302}));

        Path tiktokenFormat = Files.writeString(dir.resolve("r50k_base.tiktoken"), "IQ== 0\nIg== 1\n");
        var format = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(tiktokenFormat));
        assertTrue(
                format.getMessage().startsWith("cannot read " + tiktokenFormat + " as a js-tiktoken rank file"),
                format.getMessage());
        Path noRanks = Files.writeString(
                dir.resolve("no-ranks.js"), "export default {\"pat_str\": \"\\\\s+\", \"special_tokens\": {}};");
        var missing = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(noRanks));
        assertTrue(
                missing.getMessage().contains(noRanks.toString())
                        && missing.getMessage().contains("no \"bpe_ranks\""),
                missing.getMessage());
        Path notBase64 = Files.writeString(
                dir.resolve("bad64.js"),
                "export default {\"pat_str\": \"\\\\s+\", \"special_tokens\": {}, \"bpe_ranks\": \"! 0 @@@\"};");
        var base64 = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(notBase64));
        assertTrue(base64.getMessage().contains(notBase64.toString()), base64.getMessage());
        Path fewBytes = rankFile(dir, "few.js", GPT2, Map.of(), Map.of());
        Files.writeString(fewBytes, Files.readString(fewBytes).replace(" " + b64("A") + " ", " " + b64("AA") + " "));
        var bytes = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(fewBytes));
        assertTrue(
                bytes.getMessage().contains(fewBytes.toString())
                        && bytes.getMessage().contains("no token for the byte 0x41"),
                bytes.getMessage());
        Path badPattern = rankFile(dir, "pattern.js", "\\bword", Map.of(), Map.of());
        var pattern = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(badPattern));
        assertTrue(
                pattern.getMessage().contains(badPattern.toString())
                        && pattern.getMessage().contains("word boundaries"),
                pattern.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> RankedBpe.load(dir.resolve("missing.js")));
        assertTrue(none.getMessage().startsWith("no rank file at"), none.getMessage());
        var name = assertThrows(IllegalArgumentException.class, () -> RankedBpe.openAi("gpt5"));
        assertTrue(name.getMessage().contains("unknown encoding 'gpt5'"), name.getMessage());
    }

    @Test
    void textsReachNodeAsJsonWithEveryCodeUnitEscaped() throws Exception {
        StringWriter out = new StringWriter();
        JsTiktoken.writeJson(List.of("a\"\\\n\u00e9", "\ud800\ud83d\ude00"), out);
        assertEquals("[\"a\\\"\\\\\\u000a\\u00e9\",\"\\ud800\\ud83d\\ude00\"]", out.toString());
    }

    @Test
    void theCoursesLearnedMergesGiveTheSameIdsThroughTheSharedLoop() {
        // BpeTokenizer now merges with PairMerges, tiktoken's loop; on learned merges it equals replaying them in
        // order.
        String text = Corpus.kjv().text().substring(0, 60_000);
        BpeTokenizer bpe = BpeTokenizer.train(text, 300);
        String sample = text.substring(50_000);
        List<int[]> replayed = new ArrayList<>();
        for (String chunk : ByteLevel.chunks(sample)) {
            int[] ids = toIds(ByteLevel.utf8(chunk));
            for (BpeTokenizer.Merge m : bpe.merges()) ids = replay(ids, m);
            replayed.add(ids);
        }
        assertArrayEquals(
                replayed.stream().flatMapToInt(java.util.Arrays::stream).toArray(), bpe.encode(sample));
    }

    private static int[] toIds(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
        return ids;
    }

    /** The notebook's merge step: every occurrence of the pair, left to right. */
    private static int[] replay(int[] ids, BpeTokenizer.Merge m) {
        int[] out = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            boolean match = i + 1 < ids.length && ids[i] == m.left() && ids[i + 1] == m.right();
            out[n++] = match ? m.id() : ids[i];
            if (match) i++;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** A js-tiktoken-format rank file: the 256 bytes in byte order (ranks 0..255), then {@code extra}, then the special tokens. */
    static Path rankFile(
            Path dir, String name, String pattern, Map<String, Integer> extra, Map<String, Integer> special)
            throws Exception {
        StringBuilder ranks = new StringBuilder("! 0");
        for (int b = 0; b < 256; b++)
            ranks.append(' ').append(Base64.getEncoder().encodeToString(new byte[] {(byte) b}));
        extra.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e ->
                        ranks.append("\n! ").append(e.getValue()).append(' ').append(b64(e.getKey())));
        String specials = special.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(","));
        Gson gson =
                new GsonBuilder().disableHtmlEscaping().create(); // '=' of base64 as itself, as in js-tiktoken's files
        String json = "{\"pat_str\":" + gson.toJson(pattern) + ",\"special_tokens\":{" + specials + "},\"bpe_ranks\":"
                + gson.toJson(ranks.toString()) + "}";
        return Files.writeString(dir.resolve(name), "export default " + json + ";");
    }

    private static String b64(String latin1) {
        return Base64.getEncoder().encodeToString(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}

package fasttrack.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level conventions, shared with HuggingFace's ByteLevel pre-tokenizer so that a
 * tokenizer.json written here encodes exactly as our own code does; and the steps every byte-level BPE
 * here shares: text to UTF-8 bytes, chunking with a per-chunk cache, ids back to bytes, a token's text.
 */
final class ByteLevel {

    /**
     * Splits text into chunks that merges never cross: contractions, a word with its leading space,
     * a number, a run of punctuation, whitespace.
     */
    static final Pattern CHUNK = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Byte b as a printable character: printable Latin-1 bytes stand for themselves, the rest move to U+0100 on. */
    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
        }
    }

    private ByteLevel() {}

    static List<String> chunks(String text) {
        return chunks(CHUNK, text);
    }

    static List<String> chunks(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    /**
     * The ids of {@code text}: cut into chunks by {@code pattern}, each distinct chunk encoded once by
     * {@code encodeChunk} and remembered in {@code cache} (text repeats its words, so a whole book is
     * mostly cache hits); with a null cache every chunk is encoded afresh.
     */
    static int[] encodeChunks(
            Pattern pattern, String text, Map<String, int[]> cache, Function<String, int[]> encodeChunk) {
        int[] out = new int[Math.max(16, text.length() / 3)];
        int n = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int[] ids = cache == null ? encodeChunk.apply(m.group()) : cache.computeIfAbsent(m.group(), encodeChunk);
            if (n + ids.length > out.length) out = Arrays.copyOf(out, Math.max(2 * out.length, n + ids.length));
            System.arraycopy(ids, 0, out, n, ids.length);
            n += ids.length;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The UTF-8 bytes of {@code text} as JavaScript's TextEncoder (and so js-tiktoken) writes them: a lone
     * surrogate, which a Java string can hold but is no character, becomes U+FFFD (bytes EF BF BD), where
     * {@code String.getBytes} would write '?'.
     */
    static byte[] utf8(String text) {
        return wellFormed(text).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} with every lone surrogate replaced by U+FFFD. */
    static String wellFormed(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                if (out != null) out.append(c).append(text.charAt(i + 1));
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) out = new StringBuilder(text.length()).append(text, 0, i);
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** The bytes of the tokens {@code ids}, one after the other; {@code requireId} rejects an id that is no token. */
    static byte[] join(byte[][] tokenBytes, int[] ids, IntConsumer requireId) {
        int length = 0;
        for (int id : ids) {
            requireId.accept(id);
            length += tokenBytes[id].length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (int id : ids) {
            System.arraycopy(tokenBytes[id], 0, out, at, tokenBytes[id].length);
            at += tokenBytes[id].length;
        }
        return out;
    }

    /** A token's text; bytes that are not (yet) a whole UTF-8 character show as {@code <0xE2>}. */
    static String display(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException partial) {
            StringBuilder s = new StringBuilder();
            for (byte b : bytes) s.append(String.format("<0x%02X>", b & 0xFF));
            return s.toString();
        }
    }

    static String toChars(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) s.append(BYTE_TO_CHAR[b & 0xFF]);
        return s.toString();
    }
}

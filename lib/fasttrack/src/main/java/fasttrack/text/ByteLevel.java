package fasttrack.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level conventions, shared with HuggingFace's ByteLevel pre-tokenizer so that a
 * tokenizer.json written here encodes exactly as our own code does.
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
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevel() {}

    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = CHUNK.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    static String toChars(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) s.append(BYTE_TO_CHAR[b & 0xFF]);
        return s.toString();
    }

    static byte[] toBytes(String chars) {
        byte[] out = new byte[chars.length()];
        for (int i = 0; i < out.length; i++) {
            char c = chars.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) throw new IllegalArgumentException("'" + chars + "' is not a byte-level token (character U+" + Integer.toHexString(c) + ")");
            out[i] = (byte) b;
        }
        return out;
    }
}

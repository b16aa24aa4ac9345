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

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
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
}

package fasttrack.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One token per character (Unicode code point), the vocabulary being the characters of the text it
 * was fitted on, in code point order. Characters it never saw map to one extra "unknown" token,
 * which decodes to U+FFFD (�): the text is not lost silently, it is visibly replaced.
 */
public final class CharTokenizer implements Tokenizer {

    /** What an unknown character decodes to. */
    public static final String UNKNOWN = "\uFFFD";

    private final int[] codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    private CharTokenizer(int[] codePoints) {
        this.codePoints = codePoints;
        for (int i = 0; i < codePoints.length; i++) ids.put(codePoints[i], i);
    }

    /** The characters of {@code text} become the vocabulary. */
    public static CharTokenizer fit(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("cannot fit a tokenizer on empty text");
        return new CharTokenizer(text.codePoints().distinct().sorted().toArray());
    }

    /** The id every unseen character gets: the last one. */
    public int unknownId() {
        return codePoints.length;
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(c -> ids.getOrDefault(c, unknownId())).toArray();
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder out = new StringBuilder(tokenIds.length);
        for (int id : tokenIds) out.append(token(id));
        return out.toString();
    }

    @Override
    public int vocabSize() {
        return codePoints.length + 1;
    }

    @Override
    public String token(int id) {
        Tokenizer.requireId(id, vocabSize());
        return id == unknownId() ? UNKNOWN : Character.toString(codePoints[id]);
    }

    /** The characters, in id order (without the unknown token). */
    public String alphabet() {
        return new String(codePoints, 0, codePoints.length);
    }

    @Override
    public String toString() {
        return "CharTokenizer: " + vocabSize() + " tokens (" + codePoints.length + " characters + unknown)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer other && Arrays.equals(codePoints, other.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }
}

package fasttrack.text;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fasttrack.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * Writes a Hugging Face tokenizer.json that the {@code tokenizers} library (DJL's
     * HuggingFaceTokenizer) loads and encodes with exactly as this class does: a BPE model with no
     * merges and no pre-tokenizer, so every character is looked up on its own, with this vocabulary
     * in id order and the unknown token as BPE's {@code unk_token} (U+FFFD, or {@code <unk>} if U+FFFD
     * is itself one of the characters); a Fuse decoder joins the tokens without spaces.
     */
    public Path saveTokenizerJson(Path file) throws IOException {
        JsonObject vocab = new JsonObject();
        for (int id = 0; id < codePoints.length; id++) vocab.addProperty(Character.toString(codePoints[id]), id);
        String unknown = ids.containsKey(UNKNOWN.codePointAt(0)) ? "<unk>" : UNKNOWN;
        if (vocab.has(unknown))
            throw new IllegalStateException(
                    "the characters include '" + unknown + "': no name left for the unknown token");
        vocab.addProperty(unknown, unknownId());
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.addProperty("unk_token", unknown);
        model.add("continuing_subword_prefix", null);
        model.add("end_of_word_suffix", null);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", false);
        model.add("vocab", vocab);
        model.add("merges", new JsonArray());
        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "Fuse");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        root.add("added_tokens", new JsonArray());
        root.add("normalizer", null);
        root.add("pre_tokenizer", null);
        root.add("post_processor", null);
        root.add("decoder", decoder);
        root.add("model", model);
        return AtomicFiles.write(
                file,
                new GsonBuilder()
                        .serializeNulls()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(root));
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

package fasttrack.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * DJL's binding of HuggingFace's Rust {@code tokenizers}, loaded from a local tokenizer.json (hub
 * names need a network). Configured to encode text as it is: no truncation (DJL's default cuts at
 * 512 tokens), no padding, no special tokens.
 */
public final class HuggingFaceTokenizers {

    private HuggingFaceTokenizers() {}

    public static HuggingFaceTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer.json at " + tokenizerJson.toAbsolutePath()
                    + "; write one with BpeTokenizer.saveTokenizerJson");
        }
        try {
            return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                    .optTruncation(false).optPadding(false).optAddSpecialTokens(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException("HuggingFace tokenizers could not load " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The ids HuggingFace's tokenizer gives {@code text}, as ints like the course's tokenizers. */
    public static int[] encode(HuggingFaceTokenizer tokenizer, String text) {
        return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }
}

package fasttrack.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "HuggingFace tokenizers could not load " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The ids HuggingFace's tokenizer gives {@code text}, as ints like the course's tokenizers. */
    public static int[] encode(HuggingFaceTokenizer tokenizer, String text) {
        return Arrays.stream(tokenizer.encode(text).getIds())
                .mapToInt(Math::toIntExact)
                .toArray();
    }

    /**
     * The tokenizer.json at {@code tokenizerJson} as a course {@link Tokenizer} (encode, decode,
     * vocabulary size, token text), computed by HuggingFace's library: how a downloaded model's
     * tokenizer (GPT-2's, say) plugs into the course's generation and evaluation code.
     */
    public static Tokenizer asTokenizer(Path tokenizerJson) {
        HuggingFaceTokenizer hf = load(tokenizerJson);
        int vocabSize = vocabSize(tokenizerJson);
        return new Tokenizer() {
            @Override
            public int[] encode(String text) {
                return HuggingFaceTokenizers.encode(hf, text);
            }

            @Override
            public String decode(int[] ids) {
                long[] longs = new long[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    Tokenizer.requireId(ids[i], vocabSize);
                    longs[i] = ids[i];
                }
                return hf.decode(longs, false);
            }

            @Override
            public int vocabSize() {
                return vocabSize;
            }

            @Override
            public String token(int id) {
                return decode(new int[] {id});
            }

            @Override
            public String toString() {
                return "HuggingFace tokenizer from " + tokenizerJson + ": " + vocabSize + " tokens";
            }
        };
    }

    /** One more than the largest id a tokenizer.json gives: its model's vocabulary and its added tokens. */
    static int vocabSize(Path tokenizerJson) {
        try {
            JsonObject root =
                    JsonParser.parseString(Files.readString(tokenizerJson)).getAsJsonObject();
            long max = -1;
            JsonElement vocab = root.getAsJsonObject("model").get("vocab");
            if (vocab.isJsonObject()) {
                for (var e : vocab.getAsJsonObject().entrySet())
                    max = Math.max(max, e.getValue().getAsLong());
            } else {
                max = vocab.getAsJsonArray().size() - 1; // Unigram: a list of [piece, score], ids in order
            }
            JsonElement added = root.get("added_tokens");
            if (added != null && added.isJsonArray()) {
                for (JsonElement t : added.getAsJsonArray())
                    max = Math.max(max, t.getAsJsonObject().get("id").getAsLong());
            }
            return Math.toIntExact(max + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    tokenizerJson + " has no readable model vocabulary: " + e.getMessage(), e);
        }
    }
}

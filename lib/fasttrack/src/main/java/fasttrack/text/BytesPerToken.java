package fasttrack.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much a tokenizer compresses a text: its UTF-8 bytes per token. Higher means shorter sequences, so
 * more text in the same context window and fewer steps to read it; the price is a larger vocabulary.
 */
public record BytesPerToken(String tokenizer, String corpus, long bytes, int tokens) {

    public BytesPerToken {
        if (tokens <= 0)
            throw new IllegalArgumentException(
                    tokenizer + " gave no tokens for " + corpus + ": there is nothing to measure");
    }

    /** UTF-8 bytes per token. */
    public double value() {
        return (double) bytes / tokens;
    }

    /**
     * Every tokenizer on every corpus: one row per corpus and tokenizer, corpora in the order given, and
     * within each the tokenizers in the map's order.
     */
    public static List<BytesPerToken> measure(Map<String, ? extends Tokenizer> tokenizers, List<Corpus> corpora) {
        List<BytesPerToken> rows = new ArrayList<>();
        for (Corpus corpus : corpora) {
            long bytes = ByteLevel.utf8(corpus.text()).length;
            for (Map.Entry<String, ? extends Tokenizer> t : tokenizers.entrySet()) {
                rows.add(new BytesPerToken(
                        t.getKey(), corpus.name(), bytes, t.getValue().encode(corpus.text()).length));
            }
        }
        return rows;
    }

    /**
     * The course's BPE ({@code course}, trained in notebook 05) against OpenAI's GPT-2 (50,257 tokens),
     * GPT-4 (cl100k_base) and GPT-4o (o200k_base) encodings on the KJV and The Devil's Dictionary. The
     * OpenAI tables come from js-tiktoken ({@link RankedBpe#openAi}), which setup installs.
     */
    public static List<BytesPerToken> courseVsOpenAi(String courseName, Tokenizer course) {
        Map<String, Tokenizer> tokenizers = new LinkedHashMap<>();
        tokenizers.put(courseName, course);
        for (String encoding : List.of("gpt2", "cl100k_base", "o200k_base"))
            tokenizers.put(encoding, RankedBpe.openAi(encoding));
        return measure(tokenizers, List.of(Corpus.kjv(), Corpus.devilsDictionary()));
    }

    @Override
    public String toString() {
        return String.format(
                "%s on %s: %,d bytes / %,d tokens = %.3f bytes per token", tokenizer, corpus, bytes, tokens, value());
    }
}

package fasttrack.serve;

import fasttrack.generate.Sampling;
import fasttrack.text.Tokenizer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated {@code POST /v1/completions} body. Fields: {@code prompt} (required), {@code max_tokens}
 * (default 64, or fewer if the prompt leaves less room in the context), {@code temperature} (0 to 2,
 * 0 = greedy; default 1), {@code top_k} (0 = off), {@code top_p} (in (0, 1]), {@code seed} (default:
 * random, returned in the response so a completion can be repeated) and {@code stream}. Anything else
 * is refused, so a misspelt field is not silently ignored.
 */
public record CompletionRequest(String prompt, int[] promptTokens, int maxTokens, Sampling sampling, boolean stream) {

    static final Set<String> FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_k", "top_p", "seed", "stream");
    static final String EXAMPLE = "{\"prompt\": \"And God said\"}";
    static final int DEFAULT_MAX_TOKENS = 64;

    /** Checks {@code body} against the model's tokenizer, context and the server's limits; throws {@link ApiException} (400) saying what to fix. */
    static CompletionRequest parse(JsonBody body, Tokenizer tokenizer, int context, int maxTokensLimit) {
        body.allowOnly(FIELDS);
        if (!body.has("prompt")
                || !body.get("prompt").isJsonPrimitive()
                || !body.get("prompt").getAsJsonPrimitive().isString()) {
            throw ApiException.invalid("prompt", "'prompt' is required and must be a string");
        }
        String prompt = body.get("prompt").getAsString();
        if (prompt.isEmpty())
            throw ApiException.invalid("prompt", "'prompt' is empty: give the model some text to continue");
        int asked = (int) body.integer("max_tokens", -1, 1, maxTokensLimit);
        double temperature = body.number("temperature", 1.0, 0, 2);
        int topK = (int) body.integer("top_k", 0, 0, tokenizer.vocabSize());
        double topP = body.number("top_p", 1.0, Double.MIN_VALUE, 1);
        long seed = body.has("seed")
                ? body.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : ThreadLocalRandom.current().nextLong(1L << 53);
        boolean stream = body.bool("stream", false);
        int[] tokens = tokenizer.encode(prompt);
        PromptText.requireKnownCharacters(prompt, tokenizer, "prompt");
        int maxTokens = PromptText.maxTokens(
                tokens.length, asked, Math.min(DEFAULT_MAX_TOKENS, maxTokensLimit), context, "max_tokens");
        return new CompletionRequest(
                prompt, tokens, maxTokens, Decoding.sampling(temperature, topK, topP, seed), stream);
    }

    /** What the scheduler runs: the prompt continued, with no stop sequence. */
    Decoding decoding() {
        return new Decoding(promptTokens, maxTokens, sampling, List.of());
    }
}

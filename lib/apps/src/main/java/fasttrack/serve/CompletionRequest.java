package fasttrack.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.generate.Sampling;
import fasttrack.text.Tokenizer;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated {@code POST /v1/completions} body. Fields: {@code prompt} (required), {@code max_tokens}
 * (default 64), {@code temperature} (0 to 2, 0 = greedy; default 1), {@code top_k} (0 = off),
 * {@code top_p} (in (0, 1]), {@code seed} (default: random, returned in the response so a completion
 * can be repeated) and {@code stream}. Anything else is refused, so a misspelt field is not silently
 * ignored.
 */
public record CompletionRequest(String prompt, int[] promptTokens, int maxTokens, Sampling sampling, boolean stream) {

    static final Set<String> FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_k", "top_p", "seed", "stream");

    /** Parses and checks {@code body} against the model's tokenizer, context and the server's limits; throws {@link ApiException} (400) saying what to fix. */
    public static CompletionRequest parse(String body, Tokenizer tokenizer, int context, int maxTokensLimit) {
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(body);
            if (!parsed.isJsonObject()) throw ApiException.invalid("the body must be a JSON object like {\"prompt\": \"And God said\", \"max_tokens\": 32}");
            json = parsed.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            java.util.regex.Matcher where = java.util.regex.Pattern.compile("line \\d+ column \\d+").matcher(String.valueOf(e.getMessage()));
            throw ApiException.invalid("the body is not valid JSON" + (where.find() ? " (at " + where.group() + ")" : "") + ": send an object like {\"prompt\": \"And God said\"}");
        }
        for (String field : json.keySet()) {
            if (!FIELDS.contains(field)) throw ApiException.invalid("unknown field '" + field + "': the fields are " + String.join(", ", FIELDS.stream().sorted().toList()));
        }
        if (!json.has("prompt") || !json.get("prompt").isJsonPrimitive() || !json.getAsJsonPrimitive("prompt").isString()) {
            throw ApiException.invalid("'prompt' is required and must be a string");
        }
        String prompt = json.get("prompt").getAsString();
        if (prompt.isEmpty()) throw ApiException.invalid("'prompt' is empty: give the model some text to continue");
        int maxTokens = (int) integer(json, "max_tokens", 64, 1, maxTokensLimit);
        double temperature = number(json, "temperature", 1.0, 0, 2);
        int topK = (int) integer(json, "top_k", 0, 0, tokenizer.vocabSize());
        double topP = number(json, "top_p", 1.0, Double.MIN_VALUE, 1);
        long seed = json.has("seed") ? integer(json, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : ThreadLocalRandom.current().nextLong(1L << 53);
        boolean stream = false;
        if (json.has("stream")) {
            JsonElement s = json.get("stream");
            if (!s.isJsonPrimitive() || !s.getAsJsonPrimitive().isBoolean()) throw ApiException.invalid("'stream' must be true or false");
            stream = s.getAsBoolean();
        }
        int[] tokens = tokenizer.encode(prompt);
        requireKnownCharacters(prompt, tokens, tokenizer);
        if (tokens.length + maxTokens > context) {
            int room = context - tokens.length;
            throw ApiException.invalid("the prompt (" + tokens.length + " tokens) and max_tokens (" + maxTokens + ") do not fit the context of " + context
                    + " tokens: " + (context - maxTokens < 1 ? "ask for at most " + (context - 1) + " tokens, and fewer the longer the prompt"
                            : (room >= 1 ? "ask for at most " + room + " tokens or " : "") + "shorten the prompt to at most " + (context - maxTokens) + " tokens"));
        }
        return new CompletionRequest(prompt, tokens, maxTokens, new Sampling(temperature, topK, topP, seed), stream);
    }

    /** The tokenizer must give back the prompt exactly; else name the first character it does not know. */
    private static void requireKnownCharacters(String prompt, int[] tokens, Tokenizer tokenizer) {
        if (tokenizer.decode(tokens).equals(prompt)) return;
        for (int i = 0; i < prompt.length(); ) {
            int cp = prompt.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            if (!tokenizer.decode(tokenizer.encode(ch)).equals(ch)) {
                throw ApiException.invalid(String.format("the prompt has a character the model does not know: '%s' (U+%04X) at position %d; "
                        + "this model reads only the %d characters of its training text", ch, cp, i, tokenizer.vocabSize() - 1));
            }
            i += Character.charCount(cp);
        }
        throw ApiException.invalid("the prompt does not survive tokenization unchanged");
    }

    private static long integer(JsonObject json, String field, long fallback, long min, long max) {
        if (!json.has(field)) return fallback;
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw ApiException.invalid("'" + field + "' must be a number");
        double v = e.getAsDouble();
        if (v != Math.rint(v)) throw ApiException.invalid("'" + field + "' must be a whole number, got " + e);
        if (v < min || v > max) throw ApiException.invalid("'" + field + "' must be between " + min + " and " + max + ", got " + e);
        return e.getAsLong();
    }

    private static double number(JsonObject json, String field, double fallback, double min, double max) {
        if (!json.has(field)) return fallback;
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw ApiException.invalid("'" + field + "' must be a number");
        double v = e.getAsDouble();
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid("'" + field + "' must be " + (min == Double.MIN_VALUE ? "above 0" : "at least " + min) + " and at most " + max + ", got " + e);
        }
        return v;
    }
}

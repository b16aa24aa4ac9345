package fasttrack.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import fasttrack.align.ChatTemplate;
import fasttrack.generate.Sampling;
import fasttrack.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated {@code POST /v1/chat/completions} body, as OpenAI's API defines it, read onto the chat
 * template notebook 17's assistant was trained on ({@link ChatTemplate}: "Q: question\nA: answer\n").
 *
 * <p>The conversation becomes one text: each user message opens a question ("Q: …"; consecutive
 * ones are joined by a newline), each assistant message answers the question before it ("\nA: …"
 * then the stop marker), and the model is asked for the answer to the last question. A conversation
 * that ends with an assistant message asks the model to continue that answer. System and developer
 * messages, which the model never saw in training, come first as plain lines of context. The
 * template's stop marker always ends the answer (finish reason "stop"), besides the request's own
 * {@code stop} sequences.
 *
 * <p>Fields: {@code model} (the served model's id), {@code messages}, {@code max_completion_tokens}
 * or its older name {@code max_tokens} (default: as many as fit in the context, up to the server's
 * limit), {@code temperature}, {@code top_p}, {@code top_k} (this server's addition), {@code seed},
 * {@code stop} (a string or up to 4), {@code n} (1 only), {@code stream}, {@code stream_options}
 * ({@code include_usage}) and {@code user}. OpenAI parameters this model cannot honour (tools,
 * logprobs, penalties...) are refused by name rather than ignored; the penalties and
 * {@code logprobs: false} are accepted at their neutral values.
 */
public record ChatRequest(
        String transcript,
        int[] promptTokens,
        int maxTokens,
        Sampling sampling,
        List<String> stop,
        boolean stream,
        boolean includeUsage) {

    static final String EXAMPLE =
            "{\"model\": \"MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"What is a fool?\"}]}";
    static final int MAX_STOP_SEQUENCES = 4;

    private static final Set<String> FIELDS = Set.of(
            "model",
            "messages",
            "max_tokens",
            "max_completion_tokens",
            "temperature",
            "top_p",
            "top_k",
            "seed",
            "stop",
            "n",
            "stream",
            "stream_options",
            "user",
            "presence_penalty",
            "frequency_penalty",
            "logprobs");
    private static final Set<String> UNSUPPORTED = Set.of(
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "functions",
            "function_call",
            "top_logprobs",
            "logit_bias",
            "response_format",
            "audio",
            "modalities",
            "prediction",
            "reasoning_effort",
            "service_tier",
            "store",
            "metadata",
            "web_search_options");
    /** Parameters accepted only at the value that changes nothing. */
    private static final Map<String, JsonElement> NEUTRAL = Map.of(
            "presence_penalty",
            new com.google.gson.JsonPrimitive(0),
            "frequency_penalty",
            new com.google.gson.JsonPrimitive(0),
            "logprobs",
            new com.google.gson.JsonPrimitive(false));

    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name");

    /** Checks {@code body} against the served model, its tokenizer and context, and the server's limits; throws {@link ApiException} saying what to fix. */
    static ChatRequest parse(JsonBody body, String modelName, Tokenizer tokenizer, int context, int maxTokensLimit) {
        for (String field : body.json().keySet()) {
            if (UNSUPPORTED.contains(field)) {
                throw new ApiException(
                        400,
                        "unsupported_parameter",
                        field,
                        "'" + field + "' is not supported by this server (a small character-level GPT without tools, "
                                + "log-probabilities or structured output): leave it out");
            }
        }
        body.allowOnly(FIELDS);
        NEUTRAL.forEach((field, neutral) -> {
            if (body.has(field) && !(body.get(field).isJsonPrimitive() && neutralValue(body.get(field), neutral))) {
                throw new ApiException(
                        400,
                        "unsupported_parameter",
                        field,
                        "'" + field + "' can only be " + neutral + " here: this server does not implement it");
            }
        });
        requireModel(body, modelName);
        String transcript = transcript(body, tokenizer);
        if (body.has("n") && body.integer("n", 1, Integer.MIN_VALUE, Integer.MAX_VALUE) != 1) {
            throw ApiException.invalid(
                    "n",
                    "'n' must be 1: this server returns one choice per request; send n requests (with different seeds) for n answers");
        }
        if (body.has("max_tokens") && body.has("max_completion_tokens")) {
            throw ApiException.invalid(
                    "max_tokens", "give 'max_completion_tokens' or its older name 'max_tokens', not both");
        }
        String maxField = body.has("max_tokens") ? "max_tokens" : "max_completion_tokens";
        int asked = (int) body.integer(maxField, -1, 1, maxTokensLimit);
        double temperature = body.number("temperature", 1.0, 0, 2);
        double topP = body.number("top_p", 1.0, Double.MIN_VALUE, 1);
        int topK = (int) body.integer("top_k", 0, 0, tokenizer.vocabSize());
        long seed = body.has("seed")
                ? body.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : ThreadLocalRandom.current().nextLong(1L << 53);
        List<String> stop = new ArrayList<>(List.of(ChatTemplate.STOP));
        stop.addAll(stops(body));
        boolean stream = body.bool("stream", false);
        boolean includeUsage = false;
        if (body.has("stream_options")) {
            if (!stream)
                throw ApiException.invalid("stream_options", "'stream_options' applies only with \"stream\": true");
            JsonElement options = body.get("stream_options");
            if (!options.isJsonObject())
                throw ApiException.invalid(
                        "stream_options", "'stream_options' must be an object like {\"include_usage\": true}");
            JsonBody o = new JsonBody(options.getAsJsonObject());
            o.allowOnly(Set.of("include_usage"));
            includeUsage = o.bool("include_usage", false);
        }
        if (body.has("user") && !isString(body.get("user")))
            throw ApiException.invalid("user", "'user' must be a string");
        int[] tokens = tokenizer.encode(transcript);
        if (!tokenizer
                .decode(tokens)
                .equals(transcript)) { // every message's text is known: the template's own characters are not
            throw new ApiException(
                    400,
                    "chat_unsupported",
                    "messages",
                    "this model's tokenizer lacks the chat template's characters ('Q', ':', the newline), "
                            + "so it cannot read a conversation: use POST /v1/completions with a prompt");
        }
        int maxTokens = PromptText.maxTokens(tokens.length, asked, maxTokensLimit, context, maxField);
        return new ChatRequest(
                transcript,
                tokens,
                maxTokens,
                Decoding.sampling(temperature, topK, topP, seed),
                List.copyOf(stop),
                stream,
                includeUsage);
    }

    private static boolean neutralValue(JsonElement given, JsonElement neutral) {
        return neutral.getAsJsonPrimitive().isBoolean()
                ? given.getAsJsonPrimitive().isBoolean() && given.getAsBoolean() == neutral.getAsBoolean()
                : given.getAsJsonPrimitive().isNumber()
                        && given.getAsBigDecimal().signum() == 0;
    }

    private static void requireModel(JsonBody body, String modelName) {
        if (!body.has("model") || !isString(body.get("model"))) {
            throw ApiException.invalid(
                    "model", "'model' is required and must be a string: this server serves '" + modelName + "'");
        }
        String model = body.get("model").getAsString();
        if (!model.equals(modelName)) {
            throw new ApiException(
                    404,
                    "model_not_found",
                    "model",
                    "the model '" + model + "' does not exist here: this server serves '" + modelName
                            + "' (GET /v1/models lists it)");
        }
    }

    /** The conversation as the template's text; 400 for a message the template cannot hold. */
    private static String transcript(JsonBody body, Tokenizer tokenizer) {
        if (!body.has("messages")
                || !body.get("messages").isJsonArray()
                || body.get("messages").getAsJsonArray().isEmpty()) {
            throw ApiException.invalid(
                    "messages",
                    "'messages' is required: a list like [{\"role\": \"user\", \"content\": \"What is a fool?\"}]");
        }
        JsonArray messages = body.get("messages").getAsJsonArray();
        StringBuilder text = new StringBuilder();
        String question = null; // the user text waiting for an answer
        boolean conversationStarted = false, endsWithAnswer = false;
        for (int i = 0; i < messages.size(); i++) {
            String param = "messages[" + i + "]";
            if (!messages.get(i).isJsonObject())
                throw ApiException.invalid(param, param + " must be an object with a 'role' and a 'content'");
            JsonObject message = messages.get(i).getAsJsonObject();
            new JsonBody(message).allowOnly(MESSAGE_FIELDS);
            String role = message.has("role") && isString(message.get("role"))
                    ? message.get("role").getAsString()
                    : null;
            if (role == null)
                throw ApiException.invalid(
                        param + ".role",
                        param + " needs a 'role': \"system\", \"developer\", \"user\" or \"assistant\"");
            if (message.has("name") && !isString(message.get("name")))
                throw ApiException.invalid(param + ".name", param + ".name must be a string");
            String content = content(message, param, tokenizer);
            endsWithAnswer = false;
            switch (role) {
                case "system", "developer" -> {
                    if (conversationStarted) {
                        throw ApiException.invalid(
                                param + ".role",
                                "a " + role
                                        + " message must come before the conversation: the model reads it as the lines before the first question");
                    }
                    text.append(content).append(ChatTemplate.STOP);
                }
                case "user" -> {
                    conversationStarted = true;
                    question = question == null ? content : question + "\n" + content;
                }
                case "assistant" -> {
                    if (question == null)
                        throw ApiException.invalid(
                                param + ".role",
                                param + " answers no question: put a user message before each assistant message");
                    conversationStarted = true;
                    text.append(ChatTemplate.prompt(question)).append(content).append(ChatTemplate.STOP);
                    question = null;
                    endsWithAnswer = true;
                }
                case "tool", "function" ->
                    throw ApiException.invalid(
                            param + ".role",
                            "this model cannot call tools: messages with role '" + role + "' are not supported");
                default ->
                    throw ApiException.invalid(
                            param + ".role",
                            param + " has the role '" + role
                                    + "': use \"system\", \"developer\", \"user\" or \"assistant\"");
            }
        }
        if (question != null) return text.append(ChatTemplate.prompt(question)).toString();
        if (!endsWithAnswer)
            throw ApiException.invalid("messages", "'messages' has no user message: ask the model something");
        return text.substring(0, text.length() - ChatTemplate.STOP.length()); // continue the last answer
    }

    /** A message's text: a string, or a list of text parts joined. */
    private static String content(JsonObject message, String param, Tokenizer tokenizer) {
        JsonElement c = message.get("content");
        String text;
        if (c != null && isString(c)) {
            text = c.getAsString();
        } else if (c != null && c.isJsonArray()) {
            StringBuilder joined = new StringBuilder();
            for (int k = 0; k < c.getAsJsonArray().size(); k++) {
                JsonElement part = c.getAsJsonArray().get(k);
                String partParam = param + ".content[" + k + "]";
                if (!part.isJsonObject()
                        || !part.getAsJsonObject().has("type")
                        || !isString(part.getAsJsonObject().get("type"))) {
                    throw ApiException.invalid(
                            partParam, partParam + " must be an object like {\"type\": \"text\", \"text\": \"...\"}");
                }
                String type = part.getAsJsonObject().get("type").getAsString();
                if (!type.equals("text"))
                    throw ApiException.invalid(
                            partParam, partParam + " is of type '" + type + "': this model reads text only");
                JsonElement t = part.getAsJsonObject().get("text");
                if (t == null || !isString(t))
                    throw ApiException.invalid(partParam, partParam + " needs its 'text' as a string");
                joined.append(t.getAsString());
            }
            text = joined.toString();
        } else {
            throw ApiException.invalid(
                    param + ".content",
                    param + " needs its 'content' as a string (this model neither calls tools nor reads images)");
        }
        PromptText.requireKnownCharacters(text, tokenizer, param + ".content");
        return text;
    }

    /** The request's own stop sequences: a string or a list of up to 4, none empty. */
    private static List<String> stops(JsonBody body) {
        if (!body.has("stop")) return List.of();
        JsonElement s = body.get("stop");
        List<String> out = new ArrayList<>();
        if (isString(s)) {
            out.add(s.getAsString());
        } else if (s.isJsonArray() && s.getAsJsonArray().size() <= MAX_STOP_SEQUENCES) {
            for (JsonElement e : s.getAsJsonArray()) {
                if (!isString(e))
                    throw ApiException.invalid(
                            "stop", "'stop' must be a string or a list of up to " + MAX_STOP_SEQUENCES + " strings");
                out.add(e.getAsString());
            }
        } else {
            throw ApiException.invalid(
                    "stop", "'stop' must be a string or a list of up to " + MAX_STOP_SEQUENCES + " strings");
        }
        if (out.stream().anyMatch(String::isEmpty))
            throw ApiException.invalid("stop", "a stop sequence cannot be empty");
        return out;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** What the scheduler runs: the template's text, answered until the stop marker, a stop sequence or max tokens. */
    Decoding decoding() {
        return new Decoding(promptTokens, maxTokens, sampling, stop);
    }
}

package fasttrack.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Tokenizer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the serve tests share: a tiny corpus and its tokenizer, seeded random GPTs, keys, and HTTP helpers. */
final class ServeFixtures {

    /** The text the tokenizer is fitted on: its characters are the vocabulary (no 'Z', 'q', '!', digits...). */
    static final String TEXT =
            "In the beginning God created the heaven and the earth. And the earth was without form, and void;"
                    + " and darkness was upon the face of the deep.";

    static final CharTokenizer TOKENIZER = CharTokenizer.fit(TEXT);
    /** The text plus the chat template's characters ('Q', ':', the newline) and a question mark: what a chat model reads. */
    static final CharTokenizer CHAT_TOKENIZER = CharTokenizer.fit(TEXT + "Q:?\n");

    static final String KEY = "test-key-0123456789abcdef";
    static final String OTHER_KEY = "other-key-fedcba9876543210";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private ServeFixtures() {}

    static HttpClient http() {
        return HTTP;
    }

    /** A small random GPT over the tokenizer's vocabulary: context 64, fast (well under a millisecond a token). */
    static Gpt smallModel(NDManager nd, long seed) {
        Setup.seed(seed);
        return new Gpt(new GptConfig(TOKENIZER.vocabSize(), 64, 2, 2, 32, 0f, false)).initialize(nd);
    }

    /** {@link #smallModel}'s shape over the chat tokenizer's vocabulary, with the context of notebook 10's GPT (128): room for a conversation. */
    static Gpt chatModel(NDManager nd, long seed) {
        Setup.seed(seed);
        return new Gpt(new GptConfig(CHAT_TOKENIZER.vocabSize(), 128, 2, 2, 32, 0f, false)).initialize(nd);
    }

    /** GptConfig.cpu's shape with context 256: a few milliseconds a token, slow enough to see streaming and batching happen. */
    static Gpt slowModel(NDManager nd, long seed) {
        Setup.seed(seed);
        return new Gpt(new GptConfig(TOKENIZER.vocabSize(), 256, 4, 4, 128, 0f, false)).initialize(nd);
    }

    /** A configuration with the given body limit and token limit; everything else generous. */
    static ServeConfig config(ApiKeys keys, int maxBodyBytes, int maxTokens) {
        return new ServeConfig(keys, 600, maxBodyBytes, maxTokens, Duration.ofSeconds(30), 8, 64);
    }

    static HttpResponse<String> post(CompletionServer server, String key, String body)
            throws IOException, InterruptedException {
        return HTTP.send(postRequest(server, key, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest postRequest(CompletionServer server, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve("/v1/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b.build();
    }

    static HttpResponse<String> get(CompletionServer server, String path, String key)
            throws IOException, InterruptedException {
        return get(server, path, key, null);
    }

    /** A GET with an Accept header ({@code accept} null: none, as Java's client sends by default). */
    static HttpResponse<String> get(CompletionServer server, String path, String key, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (accept != null) b.header("Accept", accept);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** /metrics as JSON (what a request that accepts application/json gets). */
    static JsonObject metricsJson(CompletionServer server) throws IOException, InterruptedException {
        HttpResponse<String> r = get(server, "/metrics", KEY, "application/json");
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    static JsonObject json(String body) {
        JsonElement e = JsonParser.parseString(body);
        assertTrue(e.isJsonObject(), "not a JSON object: " + body);
        return e.getAsJsonObject();
    }

    /** The error of a refused request: its status is {@code status}, its body OpenAI's {"error": {"message", "type", "param", "code"}}; returns the message. */
    static String errorMessage(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), "status; body: " + response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "an error is JSON: " + response.headers().firstValue("Content-Type"));
        JsonObject error = json(response.body()).getAsJsonObject("error");
        assertTrue(
                error != null && error.has("type") && error.has("message") && error.has("param") && error.has("code"),
                "not OpenAI's error object: " + response.body());
        assertTrue(
                response.headers().firstValue("X-Request-Id").isPresent(),
                "an error names its request, as its log line does");
        return error.get("message").getAsString();
    }

    /** The text of a 200 non-streamed completion. */
    static String text(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body()).get("text").getAsString();
    }

    /** A completion body; {@code seed} null leaves it out. */
    static String body(String prompt, int maxTokens, double temperature, Long seed, boolean stream) {
        JsonObject o = new JsonObject();
        o.addProperty("prompt", prompt);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("temperature", temperature);
        if (seed != null) o.addProperty("seed", seed);
        if (stream) o.addProperty("stream", true);
        return o.toString();
    }

    /** The "data: ..." payloads of a server-sent-event body, in order; fails on anything else in the stream. */
    static List<String> events(String body) {
        assertTrue(body.endsWith("\n\n"), "an event stream ends with a blank line: " + body);
        List<String> out = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            assertTrue(block.startsWith("data: ") && !block.contains("\n"), "not one data line: '" + block + "'");
            out.add(block.substring("data: ".length()));
        }
        return out;
    }

    /**
     * Greedy decoding computed here, token by token with a fresh CachedDecoder and an argmax written
     * out again (first maximum wins): the text a temperature-0 request must return.
     */
    static String greedy(Gpt model, String prompt, int count) {
        CachedDecoder d = CachedDecoder.of(model);
        float[] logits = null;
        for (int t : TOKENIZER.encode(prompt)) logits = d.next(t);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            out.append(TOKENIZER.token(best));
            if (i + 1 < count) logits = d.next(best);
        }
        return out.toString();
    }

    /**
     * Greedy decoding of {@code prompt} by the chat tokenizer, written out again here: at most
     * {@code count} tokens, cut before the first of {@code stops} (the text a greedy chat request returns).
     */
    static String greedyChat(Gpt model, String prompt, int count, String... stops) {
        CachedDecoder d = CachedDecoder.of(model);
        float[] logits = null;
        for (int t : CHAT_TOKENIZER.encode(prompt)) logits = d.next(t);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            out.append(CHAT_TOKENIZER.token(best));
            for (String stop : stops) {
                int at = out.indexOf(stop);
                if (at >= 0) return out.substring(0, at);
            }
            if (i + 1 < count) logits = d.next(best);
        }
        return out.toString();
    }

    /**
     * {@code tokenizer}, taking {@code millis} to give each generated token's text (the scheduler asks
     * once per token): a generation of n tokens then lasts at least n × millis on any machine, so a test
     * can act while it is still running without depending on how fast the model decodes.
     */
    static Tokenizer paced(Tokenizer tokenizer, long millis) {
        return new Tokenizer() {
            @Override
            public int[] encode(String text) {
                return tokenizer.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return tokenizer.decode(ids);
            }

            @Override
            public int vocabSize() {
                return tokenizer.vocabSize();
            }

            @Override
            public String token(int id) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return tokenizer.token(id);
            }
        };
    }

    /** Waits up to 5 s for {@code condition}. */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }
}

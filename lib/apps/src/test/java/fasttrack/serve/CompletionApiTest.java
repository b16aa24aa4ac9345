package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.events;
import static fasttrack.serve.ServeFixtures.json;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The completion API over real HTTP, as a client sees it: the JSON answer and its usage, seeds,
 * greedy decoding against a continuation computed here, server-sent events, and every kind of bad
 * input refused with a 4xx that says what to fix (the server serving on unharmed afterwards).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompletionApiTest {

    private static final int CONTEXT = 64, MAX_TOKENS = 32, MAX_BODY = 1024;
    private static final String PROMPT = "And God said";

    private NDManager nd;
    private Gpt model;
    private CompletionServer server;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.smallModel(nd, 7);
        server = CompletionServer.start(
                model, TOKENIZER, ServeFixtures.config(ApiKeys.of(KEY), MAX_BODY, MAX_TOKENS), 0, logLines::add);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        nd.close();
    }

    @Test
    void aCompletionIsJsonWithItsUsageAndExactlyMaxTokensOfText() throws Exception {
        HttpResponse<String> response =
                post(server, KEY, "{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 17, \"seed\": 42}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject o = json(response.body());
        for (String field : List.of("id", "object", "model", "seed", "text", "finish_reason", "usage"))
            assertTrue(o.has(field), "missing " + field + ": " + o);
        assertTrue(o.get("id").getAsString().startsWith("cmpl-"), o.toString());
        assertEquals("text_completion", o.get("object").getAsString());
        assertEquals("fasttrack-gpt-2x32", o.get("model").getAsString());
        assertEquals(42, o.get("seed").getAsLong());
        assertEquals("length", o.get("finish_reason").getAsString());
        JsonObject usage = o.getAsJsonObject("usage");
        assertEquals(PROMPT.length(), usage.get("prompt_tokens").getAsInt());
        assertEquals(17, usage.get("completion_tokens").getAsInt());
        assertEquals(PROMPT.length() + 17, usage.get("total_tokens").getAsInt());
        String text = o.get("text").getAsString();
        int[] tokens = TOKENIZER.encode(text);
        assertEquals(17, tokens.length, "the text is max_tokens tokens: '" + text + "'");
        assertEquals(text, TOKENIZER.decode(tokens), "the text is made of the model's tokens");

        // Without a seed the server picks one and says which: sending it back repeats the completion.
        JsonObject unseeded = json(post(server, KEY, "{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 12}")
                .body());
        long chosen = unseeded.get("seed").getAsLong();
        assertEquals(unseeded.get("text").getAsString(), text(post(server, KEY, body(PROMPT, 12, 1.0, chosen, false))));
        assertNotEquals(o.get("id").getAsString(), unseeded.get("id").getAsString(), "every completion has its own id");
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother() throws Exception {
        String first = text(post(server, KEY, body(PROMPT, 24, 1.0, 1234L, false)));
        String again = text(post(server, KEY, body(PROMPT, 24, 1.0, 1234L, false)));
        String other = text(post(server, KEY, body(PROMPT, 24, 1.0, 1235L, false)));
        assertEquals(first, again);
        assertNotEquals(
                first,
                other,
                "24 tokens sampled from a near-uniform distribution over " + TOKENIZER.vocabSize()
                        + " tokens do not repeat");
    }

    @Test
    void temperatureZeroIsTheArgmaxContinuation() throws Exception {
        for (String prompt : List.of(PROMPT, "I", "the face of the deep")) {
            int n = Math.min(MAX_TOKENS, CONTEXT - prompt.length());
            String expected = ServeFixtures.greedy(model, prompt, n);
            // Greedy ignores the seed.
            assertEquals(expected, text(post(server, KEY, body(prompt, n, 0.0, 1L, false))), "prompt '" + prompt + "'");
            assertEquals(
                    expected, text(post(server, KEY, body(prompt, n, 0.0, 99L, false))), "prompt '" + prompt + "'");
        }
    }

    @Test
    void streamingSendsOneEventPerTokenInOrderThenTheUsageThenDone() throws Exception {
        int n = 20;
        String expected = text(post(server, KEY, body(PROMPT, n, 0.9, 77L, false)));
        HttpResponse<String> response = post(server, KEY, body(PROMPT, n, 0.9, 77L, true));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                response.headers().toString());
        List<String> events = events(response.body());
        assertEquals(n + 2, events.size(), "n tokens, the end, [DONE]: " + events);
        StringBuilder joined = new StringBuilder();
        String id = null;
        for (int i = 0; i < n; i++) {
            JsonObject e = json(events.get(i));
            assertEquals(i, e.get("index").getAsInt(), "event " + i);
            assertFalse(e.has("finish_reason"), "event " + i + " is a token: " + e);
            if (id == null) id = e.get("id").getAsString();
            assertEquals(id, e.get("id").getAsString(), "every event names the same completion");
            String token = e.get("token").getAsString();
            assertEquals(1, TOKENIZER.encode(token).length, "one token per event: '" + token + "'");
            joined.append(token);
        }
        assertEquals(expected, joined.toString(), "the streamed tokens are the non-streamed text for the same seed");
        JsonObject end = json(events.get(n));
        assertEquals("length", end.get("finish_reason").getAsString());
        assertEquals(id, end.get("id").getAsString());
        assertEquals(77, end.get("seed").getAsLong());
        JsonObject usage = end.getAsJsonObject("usage");
        assertEquals(PROMPT.length(), usage.get("prompt_tokens").getAsInt());
        assertEquals(n, usage.get("completion_tokens").getAsInt());
        assertEquals(PROMPT.length() + n, usage.get("total_tokens").getAsInt());
        assertEquals("[DONE]", events.get(n + 1));
    }

    @Test
    void badInputIsRefusedWithAMessageThatSaysWhatToFix() throws Exception {
        String tooLong = "the face of the deep. ".repeat(3); // 66 characters: more than the context of 64
        assertTrue(tooLong.length() > CONTEXT);
        Map<String, String[]> cases = new LinkedHashMap<>(); // body -> expected pieces of the message
        cases.put(
                "{\"prompt\": \"And God",
                new String[] {"not valid JSON", "line 1 column", "{\"prompt\": \"And God said\"}"});
        cases.put("[\"And God said\"]", new String[] {"must be a JSON object", "\"prompt\""});
        cases.put("{\"max_tokens\": 8}", new String[] {"'prompt' is required", "string"});
        cases.put("{\"prompt\": 17}", new String[] {"'prompt' is required", "string"});
        cases.put("{\"prompt\": \"\"}", new String[] {"'prompt' is empty"});
        cases.put(
                "{\"prompt\": \"And\", \"max_tokens\": -5}",
                new String[] {"'max_tokens'", "between 1 and " + MAX_TOKENS, "-5"});
        cases.put(
                "{\"prompt\": \"And\", \"max_tokens\": 0}",
                new String[] {"'max_tokens'", "between 1 and " + MAX_TOKENS});
        cases.put(
                "{\"prompt\": \"And\", \"max_tokens\": " + (MAX_TOKENS + 1) + "}",
                new String[] {"'max_tokens'", "between 1 and " + MAX_TOKENS, "" + (MAX_TOKENS + 1)});
        cases.put("{\"prompt\": \"And\", \"max_tokens\": 2.5}", new String[] {"'max_tokens'", "whole number", "2.5"});
        cases.put("{\"prompt\": \"And\", \"max_tokens\": \"8\"}", new String[] {"'max_tokens'", "must be a number"});
        cases.put("{\"prompt\": \"And\", \"temperature\": 3}", new String[] {"'temperature'", "at most 2", "got 3"});
        cases.put("{\"prompt\": \"And\", \"temperature\": -0.5}", new String[] {"'temperature'", "at least 0"});
        cases.put("{\"prompt\": \"And\", \"top_p\": 0}", new String[] {"'top_p'", "above 0"});
        cases.put("{\"prompt\": \"And\", \"top_p\": 1.5}", new String[] {"'top_p'", "at most 1"});
        cases.put(
                "{\"prompt\": \"And\", \"top_k\": -1}",
                new String[] {"'top_k'", "between 0 and " + TOKENIZER.vocabSize()});
        cases.put(
                "{\"prompt\": \"And\", \"temprature\": 0.5}",
                new String[] {"unknown field 'temprature'", "temperature", "max_tokens", "top_p"});
        cases.put("{\"prompt\": \"And\", \"stream\": \"yes\"}", new String[] {"'stream' must be true or false"});
        cases.put("{\"prompt\": \"And\", \"stream\": 1}", new String[] {"'stream' must be true or false"});
        cases.put(
                "{\"prompt\": \"And God saw Zion\"}",
                new String[] {"character the model does not know", "'Z'", "U+005A", "position 12"});
        cases.put(
                "{\"prompt\": \"" + tooLong + "\", \"max_tokens\": 1}",
                new String[] {"context of " + CONTEXT, "shorten the prompt"});
        cases.put(
                "{\"prompt\": \"" + "the deep ".repeat(6) + "\", \"max_tokens\": 20}",
                new String[] {"54 tokens", "max_tokens (20)", "ask for at most 10 tokens"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> response = post(server, KEY, c.getKey());
            String message = errorMessage(response, 400);
            assertEquals(
                    "invalid_request_error",
                    json(response.body()).getAsJsonObject("error").get("type").getAsString());
            for (String piece : c.getValue())
                assertTrue(
                        message.contains(piece),
                        "body " + c.getKey() + ": message '" + message + "' lacks '" + piece + "'");
            assertGoodRequestStillServed();
        }

        // A body over maxBodyBytes: 413, whether its length is declared up front or not.
        String big = "{\"prompt\": \"" + "a".repeat(MAX_BODY) + "\"}";
        String message = errorMessage(post(server, KEY, big), 413);
        assertTrue(message.contains("limit is " + MAX_BODY), message);
        assertGoodRequestStillServed();
        HttpRequest chunked = HttpRequest.newBuilder(server.uri().resolve("/v1/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        HttpResponse<String> chunkedResponse = ServeFixtures.http().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertTrue(
                errorMessage(chunkedResponse, 413).contains("" + MAX_BODY),
                "a chunked body over the limit: " + chunkedResponse.body());
        assertGoodRequestStillServed();
    }

    private void assertGoodRequestStillServed() throws Exception {
        HttpResponse<String> ok = post(server, KEY, body("And", 2, 1.0, 3L, false));
        assertEquals(2, TOKENIZER.encode(text(ok)).length);
    }
}

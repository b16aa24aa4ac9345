package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.events;
import static fasttrack.serve.ServeFixtures.get;
import static fasttrack.serve.ServeFixtures.json;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.postRequest;
import static fasttrack.serve.ServeFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Dynamic batching, streaming as it happens, timeouts and the waiting queue, on a model slow enough
 * (a few milliseconds a token) that concurrent requests really overlap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchingAndLimitsTest {

    private NDManager nd;
    private Gpt model;
    private final List<CompletionServer> servers = new ArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    void build() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.slowModel(nd, 19);
    }

    @AfterEach
    void stopServers() {
        servers.forEach(CompletionServer::close);
        servers.clear();
    }

    @AfterAll
    void free() {
        nd.close();
    }

    private CompletionServer start(ServeConfig config) {
        CompletionServer server = CompletionServer.start(model, TOKENIZER, config, 0, logLines::add);
        servers.add(server);
        return server;
    }

    private static double tokensGenerated(CompletionServer server) {
        return ((Number) server.metrics().snapshot().get("tokens_generated")).doubleValue();
    }

    /** Six requests that differ in prompt, seed, temperature, top-k/top-p and length. */
    private static final List<String> SIX = List.of(
            body("And God said", 40, 0.0, 1L, false),
            body("I", 25, 1.0, 2L, false),
            "{\"prompt\": \"the face of the deep\", \"max_tokens\": 60, \"temperature\": 0.7, \"top_k\": 5, \"seed\": 3}",
            "{\"prompt\": \"And the earth was\", \"max_tokens\": 10, \"temperature\": 1.3, \"top_p\": 0.8, \"seed\": 4}",
            body("In the beginning God created the heaven", 33, 0.5, 5L, false),
            body("darkness", 1, 1.0, 6L, false));

    /**
     * Sends the six at once while a long request is already generating (so, with batching, they join
     * it and each other mid-flight); returns their texts in order.
     */
    private List<String> sendSixWhileBusy(CompletionServer server) throws Exception {
        CompletableFuture<HttpResponse<String>> blocker = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("And", 200, 1.0, 99L, false)),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(ServeFixtures.eventually(() -> tokensGenerated(server) > 0), "the long request started");
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (String b : SIX)
            futures.add(
                    ServeFixtures.http().sendAsync(postRequest(server, KEY, b), HttpResponse.BodyHandlers.ofString()));
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : futures) texts.add(text(f.get()));
        assertEquals(200, TOKENIZER.encode(text(blocker.get())).length);
        return texts;
    }

    @Test
    void batchedAndUnbatchedServersReturnTheSameTexts() throws Exception {
        CompletionServer batched = start(ServeConfig.defaults(ApiKeys.of(KEY)).withBatch(8));
        CompletionServer single = start(ServeConfig.defaults(ApiKeys.of(KEY)).withBatch(1));
        List<String> fromBatched = sendSixWhileBusy(batched);
        List<String> fromSingle = sendSixWhileBusy(single);
        assertEquals(fromSingle, fromBatched, "a request's text does not depend on what it was batched with");
        int[] lengths = {40, 25, 60, 10, 33, 1};
        for (int i = 0; i < lengths.length; i++)
            assertEquals(lengths[i], TOKENIZER.encode(fromBatched.get(i)).length, "request " + i);
        assertEquals(
                ServeFixtures.greedy(model, "And God said", 40),
                fromBatched.get(0),
                "the greedy request, against greedy decoding alone");

        JsonObject batchedMetrics = ServeFixtures.metricsJson(batched);
        JsonObject singleMetrics = ServeFixtures.metricsJson(single);
        double meanBatched = batchedMetrics.get("mean_batch_size").getAsDouble();
        assertTrue(meanBatched > 1, "requests decoded together: mean batch " + meanBatched + "; " + batchedMetrics);
        assertTrue(meanBatched <= 7, "never more than the 7 requests there were: " + meanBatched);
        assertEquals(
                1.0,
                singleMetrics.get("mean_batch_size").getAsDouble(),
                0.0,
                "batch 1 decodes one request at a time: " + singleMetrics);
        double tokens = 200 + 40 + 25 + 60 + 10 + 33 + 1;
        assertEquals(tokens, batchedMetrics.get("tokens_generated").getAsDouble(), 0.0);
        assertEquals(tokens, singleMetrics.get("tokens_generated").getAsDouble(), 0.0);
        assertEquals(
                7.0,
                batchedMetrics.getAsJsonObject("requests").get("200").getAsDouble(),
                0.0,
                "7 completions (this /metrics call is counted after it answers)");
        assertEquals(
                7.0,
                batchedMetrics.getAsJsonObject("first_token_ms").get("count").getAsDouble(),
                0.0);
    }

    @Test
    void streamedTokensReachTheClientWhileTheRestAreStillBeingGenerated() throws Exception {
        CompletionServer server = start(ServeConfig.defaults(ApiKeys.of(KEY)));
        int n = 200;
        HttpResponse<InputStream> response = ServeFixtures.http()
                .send(
                        postRequest(server, KEY, body("And God said", n, 1.0, 8L, true)),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        double generatedAtFirstEvent = -1;
        StringBuilder all = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (generatedAtFirstEvent < 0 && line.startsWith("data: "))
                    generatedAtFirstEvent = tokensGenerated(server);
                all.append(line).append('\n');
            }
        }
        // Unflushed, nothing would arrive before the last token (all n generated); flushed, the first arrives at once.
        assertTrue(
                generatedAtFirstEvent >= 1 && generatedAtFirstEvent < n - 20,
                "the first event arrived when " + generatedAtFirstEvent + " of " + n
                        + " tokens were generated: events must be sent as tokens are made");
        List<String> events = events(all.toString());
        assertEquals(n + 2, events.size());
        assertEquals("[DONE]", events.get(n + 1));
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < n; i++)
            joined.append(json(events.get(i)).get("token").getAsString());
        assertEquals(text(post(server, KEY, body("And God said", n, 1.0, 8L, false))), joined.toString());
    }

    @Test
    void aRequestPastItsTimeoutGets504() throws Exception {
        CompletionServer server = start(ServeConfig.defaults(ApiKeys.of(KEY)).withTimeout(Duration.ofMillis(1)));
        int before = logLines.size();
        var response = post(server, KEY, body("And God said", 50, 1.0, 1L, false));
        String message = errorMessage(response, 504);
        assertEquals(
                "timeout_error",
                json(response.body()).getAsJsonObject("error").get("type").getAsString(),
                "OpenAI's error class for a 504");
        assertTrue(message.contains("timeout"), message);
        // Streamed, the 200 has gone out already: the stream ends with the error, then [DONE], and no finish.
        var streamed = post(server, KEY, body("And God said", 50, 1.0, 1L, true));
        assertEquals(200, streamed.statusCode());
        List<String> events = events(streamed.body());
        assertEquals("[DONE]", events.get(events.size() - 1));
        JsonObject last = json(events.get(events.size() - 2));
        assertEquals("timeout_error", last.getAsJsonObject("error").get("type").getAsString(), streamed.body());
        assertTrue(events.size() - 2 < 50, "fewer than the 50 tokens asked for: " + events.size());
        assertFalse(streamed.body().contains("finish_reason"), streamed.body());
        assertTrue(ServeFixtures.eventually(() -> logLines.size() >= before + 2));
        assertEquals(504, json(logLines.get(before)).get("status").getAsInt(), logLines.get(before));
        assertEquals(
                504,
                json(logLines.get(before + 1)).get("status").getAsInt(),
                "a stream that timed out is logged as such: " + logLines.get(before + 1));
    }

    @Test
    void aFullQueueRefusesWith503() throws Exception {
        CompletionServer server =
                start(new ServeConfig(ApiKeys.of(KEY), 600, 16 * 1024, 256, Duration.ofSeconds(30), 1, 1));
        CompletableFuture<HttpResponse<String>> running = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("And", 250, 1.0, 1L, false)),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(ServeFixtures.eventually(() -> tokensGenerated(server) > 0), "the first request is generating");
        CompletableFuture<HttpResponse<String>> waiting = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("God", 5, 1.0, 2L, false)), HttpResponse.BodyHandlers.ofString());
        assertTrue(
                ServeFixtures.eventually(() -> {
                    try {
                        return json(get(server, "/health", null).body())
                                        .get("queue_length")
                                        .getAsInt()
                                == 1;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }),
                "the second request waits for the only slot");
        var refused = post(server, KEY, body("the", 5, 1.0, 3L, false));
        String message = errorMessage(refused, 503);
        assertTrue(message.contains("waiting") && message.contains("retry"), message);
        assertTrue(tokensGenerated(server) < 250, "the first request was still running when the third was refused");
        assertEquals(200, running.get().statusCode());
        assertEquals(
                5, TOKENIZER.encode(text(waiting.get())).length, "the waiting request is served once the slot frees");
        assertEquals(
                200, post(server, KEY, body("the", 5, 1.0, 3L, false)).statusCode(), "and the queue has room again");
    }
}

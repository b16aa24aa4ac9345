package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.events;
import static fasttrack.serve.ServeFixtures.json;
import static fasttrack.serve.ServeFixtures.postRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Overload and shutdown: past its capacity the server refuses at once with 503 (not a queue of
 * requests waiting for threads), /health answers under full load and while slow clients hold bodies
 * open, and a drain (what SIGTERM runs) lets the requests in flight finish to a deadline and ends every
 * other one with a final answer or an error event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverloadTest {

    /** Each token takes at least 10 ms to produce: 240 tokens outlast what the tests do meanwhile, on any machine. */
    private static final fasttrack.text.Tokenizer PACED = ServeFixtures.paced(TOKENIZER, 10);

    private NDManager nd;
    private Gpt model;

    @BeforeAll
    void build() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.slowModel(nd, 67);
    }

    @AfterAll
    void free() {
        nd.close();
    }

    /** Two decoding, two waiting: a capacity of four. */
    private ServeConfig smallCapacity() {
        return ServeConfig.defaults(ApiKeys.of(KEY)).withBatch(2).withQueue(2);
    }

    private static JsonObject health(CompletionServer server) throws Exception {
        HttpResponse<String> r = ServeFixtures.get(server, "/health", null);
        return json(r.body());
    }

    @Test
    void atFourTimesCapacityTheRestAreRefusedWith503AndHealthStillAnswers() throws Exception {
        try (CompletionServer server = CompletionServer.start(model, PACED, smallCapacity(), 0, line -> {})) {
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                sent.add(ServeFixtures.http()
                        .sendAsync(
                                postRequest(server, KEY, body("And", 60, 1.0, (long) i, false)),
                                HttpResponse.BodyHandlers.ofString()));
            }
            // Refusals come back at once; the accepted requests take a while (60 tokens of at least 10 ms each).
            assertTrue(
                    ServeFixtures.eventually(() -> sent.stream()
                                            .filter(f -> f.isDone() && f.join().statusCode() != 200)
                                            .count()
                                    >= 12
                            && server.running() == 2
                            && server.metrics().snapshot().get("queue_length").equals(2.0)),
                    "12 refusals, 2 decoding, 2 waiting");
            JsonObject full = health(server);
            List<HttpResponse<String>> refused = sent.stream()
                    .filter(f -> f.isDone() && f.join().statusCode() != 200)
                    .map(CompletableFuture::join)
                    .toList();
            assertEquals("ok", full.get("status").getAsString(), "health answers under full load: " + full);
            assertEquals(2, full.get("running").getAsInt(), full.toString());
            assertEquals(2, full.get("queue_length").getAsInt(), full.toString());
            assertEquals(12, refused.size(), "16 requests for a capacity of 4: 12 refused");
            for (HttpResponse<String> r : refused) {
                assertTrue(ServeFixtures.errorMessage(r, 503).contains("retry"), r.body());
                assertEquals(
                        "queue_full",
                        json(r.body()).getAsJsonObject("error").get("code").getAsString());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), "a 503 says when to retry");
            }
            int completed = 0;
            for (CompletableFuture<HttpResponse<String>> f : sent)
                if (f.get(60, TimeUnit.SECONDS).statusCode() == 200) completed++;
            assertEquals(4, completed, "the four accepted were served");
        }
    }

    @Test
    void healthAnswersWhileSlowClientsHoldTheirBodiesOpen() throws Exception {
        int attackers = 40;
        ServeConfig config = smallCapacity().withBodyTimeout(Duration.ofSeconds(3));
        try (CompletionServer server = CompletionServer.start(model, TOKENIZER, config, 0, line -> {})) {
            List<Socket> sockets = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(attackers);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < attackers; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(20_000);
                    sockets.add(s);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                                    + "\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 1000\r\n\r\n{\"prompt\": ")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    answers.add(readers.submit(
                            () -> new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
                }
                Thread.sleep(300); // every attacker's request has reached the server and stalled in its body
                long started = System.nanoTime();
                JsonObject health = health(server);
                double healthSeconds = (System.nanoTime() - started) / 1e9;
                assertEquals("ok", health.get("status").getAsString());
                assertTrue(
                        healthSeconds < config.bodyTimeout().toSeconds(),
                        "health answered in " + healthSeconds + " s, before the stalled bodies time out");
                long stillOpen = answers.stream().filter(f -> !f.isDone()).count();
                assertEquals(
                        CompletionServer.CONCURRENT_BODIES,
                        stillOpen,
                        "the bodies being read are bounded; the rest were refused at once");
                Map<Integer, Integer> statuses = new HashMap<>();
                for (Future<String> f : answers) {
                    String raw = f.get(20, TimeUnit.SECONDS);
                    statuses.merge(Integer.parseInt(raw.substring(9, 12)), 1, Integer::sum);
                }
                assertEquals(
                        Map.of(
                                503,
                                attackers - CompletionServer.CONCURRENT_BODIES,
                                408,
                                CompletionServer.CONCURRENT_BODIES),
                        statuses,
                        "refused at once (503), or answered 408 when the body stalled past the body timeout");
            } finally {
                readers.shutdownNow();
                for (Socket s : sockets) s.close();
            }
        }
    }

    @Test
    void aDrainFinishesWhatItCanByTheDeadlineAndEndsEveryOtherRequestWithAnError() throws Exception {
        CompletionServer server = CompletionServer.start(model, PACED, smallCapacity(), 0, line -> {});
        int port = server.port();
        CompletableFuture<HttpResponse<String>> shortStream = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("And", 5, 1.0, 1L, true)), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> longStream = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("God", 240, 1.0, 2L, true)),
                        HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> waiting = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("the", 240, 1.0, 3L, false)),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(
                ServeFixtures.eventually(() -> server.running() == 2
                        && ((Number) server.metrics().snapshot().get("queue_length")).intValue() == 1),
                "two decoding, one waiting");
        ExecutorService drainer = Executors.newSingleThreadExecutor();
        try {
            Future<?> drained = drainer.submit(() -> server.drain(Duration.ofMillis(1000)));
            assertTrue(
                    ServeFixtures.eventually(() -> {
                        try {
                            return ServeFixtures.get(server, "/health", null).statusCode() == 503;
                        } catch (Exception e) {
                            return false;
                        }
                    }),
                    "a draining server's health is 503, so a load balancer sends no more");
            HttpResponse<String> late = ServeFixtures.post(server, KEY, body("And", 5, 1.0, 4L, false));
            assertEquals(
                    "shutting_down",
                    json(late.body()).getAsJsonObject("error").get("code").getAsString(),
                    late.body());
            drained.get(20, TimeUnit.SECONDS);
        } finally {
            drainer.shutdownNow();
        }

        List<String> finished = events(shortStream.get(10, TimeUnit.SECONDS).body());
        assertEquals("[DONE]", finished.get(finished.size() - 1));
        assertTrue(
                finished.get(finished.size() - 2).contains("\"finish_reason\":\"length\""),
                "the short stream finished within the grace: " + finished);
        List<String> cut = events(longStream.get(10, TimeUnit.SECONDS).body());
        assertEquals("[DONE]", cut.get(cut.size() - 1));
        JsonObject error = json(cut.get(cut.size() - 2)).getAsJsonObject("error");
        assertEquals(
                "service_unavailable_error",
                error.get("type").getAsString(),
                "the long stream ends with an error event: " + error);
        assertTrue(cut.size() - 2 < 240, "before its 240 tokens");
        HttpResponse<String> queued = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(503, queued.statusCode(), queued.body());
        assertThrows(
                ConnectException.class,
                () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    }
                },
                "the port is closed after the drain");
    }
}

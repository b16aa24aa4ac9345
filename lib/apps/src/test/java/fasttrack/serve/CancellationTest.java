package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.generate.Sampling;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A generation nobody waits for any more is stopped: a client that disconnects, streaming or not,
 * and a request past its timeout leave the batch at the next decoding step, are logged as what they
 * are (499 for a client that went away) and counted in the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest {

    private static final int LONG = 240;
    /** Each token takes at least 10 ms to produce: a long generation outlasts what the tests do to it on any machine. */
    private static final fasttrack.text.Tokenizer PACED = ServeFixtures.paced(TOKENIZER, 10);

    private NDManager nd;
    private Gpt model;

    @BeforeAll
    void build() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.slowModel(nd, 37);
    }

    @AfterAll
    void free() {
        nd.close();
    }

    private static double tokensGenerated(CompletionServer server) {
        return ((Number) server.metrics().snapshot().get("tokens_generated")).doubleValue();
    }

    private static double aborted(CompletionServer server, String reason) {
        @SuppressWarnings("unchecked")
        var byReason =
                (java.util.Map<String, Double>) server.metrics().snapshot().get("aborted");
        return byReason.getOrDefault(reason, 0.0);
    }

    /** Sends a completion request on a raw socket, waits until the server has generated some of it, then closes the connection. */
    private static void sendAndHangUp(CompletionServer server, boolean stream) throws Exception {
        String payload = body("And", LONG, 1.0, 5L, stream);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                            + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + payload.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + payload)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (stream) {
                InputStream in = socket.getInputStream();
                byte[] some = new byte[64];
                assertTrue(in.read(some) > 0, "the stream started");
            }
            assertTrue(ServeFixtures.eventually(() -> tokensGenerated(server) >= 5), "generating");
        }
    }

    @Test
    void aClientThatDisconnectsStopsItsGenerationStreamedOrNot() throws Exception {
        for (boolean stream : List.of(true, false)) {
            List<String> log = new CopyOnWriteArrayList<>();
            try (CompletionServer server =
                    CompletionServer.start(model, PACED, ServeConfig.defaults(ApiKeys.of(KEY)), 0, log::add)) {
                sendAndHangUp(server, stream);
                assertTrue(
                        ServeFixtures.eventually(() -> server.running() == 0),
                        "stream " + stream + ": the batch emptied");
                double generated = tokensGenerated(server);
                assertTrue(
                        generated < LONG,
                        "stream " + stream + ": stopped after " + generated + " of " + LONG + " tokens");
                assertEquals(1.0, aborted(server, "client"), "stream " + stream + ": counted as a client abort");
                assertTrue(ServeFixtures.eventually(() -> !log.isEmpty()));
                JsonObject line = json(log.get(0));
                assertEquals(499, line.get("status").getAsInt(), line.toString());
                assertEquals("client_closed", line.get("code").getAsString(), line.toString());
                Thread.sleep(100);
                assertEquals(generated, tokensGenerated(server), "nothing more is generated for it");
                assertTrue(
                        server.metrics()
                                .prometheus(null)
                                .text()
                                .contains("requests_aborted_total{reason=\"client\"} 1.0"),
                        "and Prometheus sees the abort");
            }
        }
    }

    @Test
    void theNextRequestOnAKeptAliveConnectionIsNotMistakenForADisconnect() throws Exception {
        // The watch of one request ends just before the client sends its next one on the same connection.
        try (NDManager small = Setup.manager().newSubManager();
                CompletionServer server = CompletionServer.start(
                        ServeFixtures.smallModel(small, 3),
                        TOKENIZER,
                        ServeConfig.defaults(ApiKeys.of(KEY)),
                        0,
                        line -> {})) {
            for (int i = 0; i < 40; i++) {
                boolean stream = i % 2 == 1;
                var r = ServeFixtures.post(server, KEY, body("And", 3, 1.0, (long) i, stream));
                assertEquals(200, r.statusCode());
                assertTrue(
                        stream
                                ? r.body().endsWith("data: [DONE]\n\n")
                                : json(r.body()).has("text"),
                        "request " + i + ": " + r.body());
            }
            assertEquals(0.0, aborted(server, "client"), "no request was taken for a client that went away");
        }
    }

    @Test
    void aCancelledGenerationGetsAtMostTheTokenOfTheStepInProgress() throws Exception {
        ServeMetrics metrics = new ServeMetrics();
        try (BatchScheduler scheduler = new BatchScheduler(CachedDecoder.of(model), PACED, 4, 4, metrics)) {
            Generation g = scheduler.submit(
                    "req-1",
                    new Decoding(TOKENIZER.encode("And"), LONG, Sampling.temperature(1.0, 3), List.of()),
                    Duration.ofSeconds(30));
            for (int i = 0; i < 5; i++) assertNotNull(g.next().text());
            double before =
                    metrics.registry().find("tokens.generated").counter().count();
            g.cancel(new ApiException(499, "client_closed", "gone"));
            int tokens = 5;
            Generation.Event e;
            while (!(e = g.next()).isEnd()) tokens += e.tokens();
            assertEquals(499, e.error().status(), "it ends with the reason it was cancelled for");
            assertTrue(
                    tokens <= before + 1,
                    tokens + " tokens in all, " + before
                            + " generated when it was cancelled: at most one more step ran for it");
            assertTrue(ServeFixtures.eventually(() -> scheduler.running() == 0), "and it left the batch");
            assertEquals(
                    1.0,
                    metrics.registry()
                            .find("requests.aborted")
                            .tag("reason", "client")
                            .counter()
                            .count());
        }
    }

    @Test
    void aRequestPastItsTimeoutIsDroppedAndCountedAsATimeout() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (CompletionServer server = CompletionServer.start(
                model, PACED, ServeConfig.defaults(ApiKeys.of(KEY)).withTimeout(Duration.ofMillis(100)), 0, log::add)) {
            var response = ServeFixtures.post(server, KEY, body("And", LONG, 1.0, 1L, false));
            assertEquals(504, response.statusCode(), response.body());
            assertTrue(tokensGenerated(server) < LONG);
            assertEquals(1.0, aborted(server, "timeout"));
            assertTrue(ServeFixtures.eventually(() -> server.running() == 0));
        }
    }
}

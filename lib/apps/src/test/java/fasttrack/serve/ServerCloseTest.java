package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.postRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** close() frees the port and ends the scheduler's thread: nothing of the server outlives it. */
class ServerCloseTest {

    private static final String SCHEDULER_THREAD = "fasttrack-batch-scheduler";

    private NDManager nd;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private static List<Thread> schedulerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && SCHEDULER_THREAD.equals(t.getName()))
                .toList();
    }

    @Test
    void afterCloseThePortRefusesConnectionsAndNoSchedulerThreadIsLeft() throws Exception {
        Gpt model = ServeFixtures.smallModel(nd, 23);
        CompletionServer server =
                CompletionServer.start(model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)), 0, line -> {});
        int port = server.port();
        java.net.URI uri = server.uri();
        assertTrue(port > 0);
        assertEquals(200, post(server, KEY, body("And", 4, 1.0, 1L, false)).statusCode());
        assertTrue(schedulerThreads().size() >= 1, "the running server has its scheduler thread");

        server.close();

        assertThrows(
                ConnectException.class,
                () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    }
                },
                "port " + port + " still accepts connections after close()");
        assertThrows(
                IOException.class,
                () -> ServeFixtures.http()
                        .send(
                                java.net.http.HttpRequest.newBuilder(uri.resolve("/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                "an HTTP request after close()");
        assertEquals(List.of(), schedulerThreads(), "threads left after close()");
    }

    /**
     * Requests still running or waiting when the server closes are not left hanging: each client gets
     * a 503 promptly (a stream, its error event and [DONE]), no connection is dropped unanswered, and
     * no completion is passed off as finished.
     */
    @Test
    void closeWithRequestsInFlightLeavesNoClientHanging() throws Exception {
        Gpt model = ServeFixtures.slowModel(nd, 29);
        CompletionServer server = CompletionServer.start(
                model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)).withBatch(1), 0, line -> {});
        CompletableFuture<HttpResponse<String>> running = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("And", 250, 1.0, 1L, true)),
                        HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> queued = ServeFixtures.http()
                .sendAsync(
                        postRequest(server, KEY, body("God", 250, 1.0, 2L, false)),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(
                ServeFixtures.eventually(
                        () -> ((Number) server.metrics().snapshot().get("queue_length")).doubleValue() == 1
                                && ((Number) server.metrics().snapshot().get("tokens_generated")).doubleValue() > 0),
                "one request running, one waiting");
        long started = System.nanoTime();
        server.close();
        long closeMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(closeMs < 5_000, "close() took " + closeMs + " ms");
        for (CompletableFuture<HttpResponse<String>> f : List.of(running, queued)) {
            HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                assertTrue(
                        r.body().contains("\"service_unavailable_error\"")
                                && r.body().endsWith("data: [DONE]\n\n"),
                        "a stream cut by close() says so: " + r.body());
            } else {
                assertEquals(503, r.statusCode(), r.body());
            }
        }
        assertEquals(List.of(), schedulerThreads());
    }
}

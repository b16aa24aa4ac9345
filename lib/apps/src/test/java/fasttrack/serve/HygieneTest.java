package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.CHAT_TOKENIZER;
import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.json;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import fasttrack.text.Tokenizer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a careful client, or a careless one, meets at the edges: JSON read strictly, every error in
 * OpenAI's shape with the right status wherever it comes from (no route, the wrong method, Jetty's
 * parser, a stalled body, a failure inside the server) and an id that finds its log line, exact seeds,
 * a vanishing temperature, bytes that are not UTF-8, the scheme's name in any case, and the chat page's
 * defaults on a model with notebook 10's context.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HygieneTest {

    /** The fault to inject: the tokenizer fails on this word, inside the server, as a bug would. */
    private static final String FAULT = "deep deep deep";

    private NDManager nd;
    private Gpt model;
    private CompletionServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.chatModel(nd, 53); // context 128, as notebook 10's GPT
        Tokenizer faulty = new Tokenizer() {
            @Override
            public int[] encode(String text) {
                if (text.contains(FAULT))
                    throw new IllegalStateException("secret internal detail /home/someone/model.bin");
                return CHAT_TOKENIZER.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return CHAT_TOKENIZER.decode(ids);
            }

            @Override
            public int vocabSize() {
                return CHAT_TOKENIZER.vocabSize();
            }

            @Override
            public String token(int id) {
                return CHAT_TOKENIZER.token(id);
            }
        };
        server = CompletionServer.start(
                model,
                faulty,
                ServeConfig.defaults(ApiKeys.of(KEY)).withBodyTimeout(Duration.ofMillis(500)),
                0,
                log::add);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        nd.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return ServeFixtures.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postBytes(String path, byte[] body) throws Exception {
        return ServeFixtures.http()
                .send(
                        HttpRequest.newBuilder(server.uri().resolve(path))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + KEY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** The log line of the response's request id. */
    private JsonObject logLine(HttpResponse<String> response) throws Exception {
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(
                ServeFixtures.eventually(() -> log.stream()
                        .anyMatch(l -> json(l).get("request_id").getAsString().equals(id))),
                "a log line for " + id);
        return log.stream()
                .map(ServeFixtures::json)
                .filter(l -> l.get("request_id").getAsString().equals(id))
                .findFirst()
                .orElseThrow();
    }

    /** Sends raw bytes and returns the whole raw response (the connection closed by either side). */
    private String raw(String request, long pauseMs) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (pauseMs > 0) Thread.sleep(pauseMs);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonObject rawError(String response, int status) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.toLowerCase().contains("content-type: application/json"), response);
        JsonObject error =
                json(response.substring(response.indexOf("\r\n\r\n") + 4)).getAsJsonObject("error");
        assertTrue(error.has("message") && error.has("type") && error.has("param") && error.has("code"), response);
        return error;
    }

    @Test
    void jsonIsReadStrictly() throws Exception {
        String[] lenient = {
            "{\"prompt\": \"And\" /* a comment */}",
            "{'prompt': 'And'}",
            "{prompt: \"And\"}",
            "{\"prompt\": \"And\", \"temperature\": NaN}",
            "{\"prompt\": \"And\", \"temperature\": Infinity}",
            "{\"prompt\": \"And\",}",
            "{\"prompt\": \"And\"} {\"prompt\": \"And\"}",
            "{\"prompt\": \"And\", \"max_tokens\": 1, \"max_tokens\": 99}",
            "{\"prompt\": \"A\tnd\"}",
        };
        for (String body : lenient) {
            for (String path : List.of("/v1/completions", "/v1/chat/completions")) {
                HttpResponse<String> r = send("POST", path, body);
                String message = errorMessage(r, 400);
                assertEquals(
                        "invalid_json",
                        json(r.body()).getAsJsonObject("error").get("code").getAsString(),
                        body + " at " + path + ": " + r.body());
                assertTrue(
                        message.contains("not valid JSON") || message.contains("more after its JSON value"), message);
            }
        }
        assertEquals(
                200,
                send("POST", "/v1/completions", "{\"prompt\": \"And\", \"max_tokens\": 2, \"temperature\": 1e0}")
                        .statusCode(),
                "exponents are JSON");
    }

    @Test
    void everyErrorIsOpenAisShapeWithItsStatusAndAnIdThatFindsItsLogLine() throws Exception {
        HttpResponse<String> notFound = send("GET", "/v1/nothing-here", null);
        assertTrue(
                errorMessage(notFound, 404).contains("/v1/chat/completions"),
                "a 404 lists what is served: " + notFound.body());
        assertEquals(404, logLine(notFound).get("status").getAsInt());
        HttpResponse<String> wrongMethod = send("GET", "/v1/chat/completions", null);
        assertTrue(errorMessage(wrongMethod, 405).contains("use POST"), wrongMethod.body());
        assertEquals(405, logLine(wrongMethod).get("status").getAsInt());
        assertEquals(405, send("DELETE", "/health", null).statusCode());

        // Jetty's own refusals, before any route: not HTML.
        JsonObject badRequest = rawError(raw("GARBAGE\r\n\r\n", 0), 400);
        assertTrue(badRequest.get("message").getAsString().contains("not valid HTTP"), badRequest.toString());
        rawError(raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 0), 431);

        // A body that stops arriving: 408 once the body timeout (500 ms here) passes.
        long started = System.nanoTime();
        JsonObject stalled = rawError(
                raw(
                        "POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"prompt\": ",
                        0),
                408);
        assertTrue((System.nanoTime() - started) / 1e9 < 5, "answered at the body timeout");
        assertEquals("body_timeout", stalled.get("code").getAsString());

        // A failure inside the server: a 500 that shows no exception text, and names the log line that does.
        HttpResponse<String> failed = send("POST", "/v1/completions", "{\"prompt\": \"" + FAULT + "\"}");
        String message = errorMessage(failed, 500);
        String id = failed.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(message.contains("error id " + id), message);
        assertFalse(
                failed.body().contains("secret")
                        || failed.body().contains("IllegalState")
                        || failed.body().contains("/home"),
                failed.body());
        JsonObject line = logLine(failed);
        assertEquals(500, line.get("status").getAsInt());
        assertTrue(
                line.get("cause").getAsString().contains("secret internal detail"), "the log keeps the cause: " + line);
        assertEquals(
                200,
                send("POST", "/v1/completions", "{\"prompt\": \"deep\", \"max_tokens\": 2}")
                        .statusCode(),
                "and the server serves on");
    }

    @Test
    void seedsAreExactTemperaturesThatVanishAreGreedyAndTheBodyMustBeUtf8() throws Exception {
        for (String seed : List.of("9223372036854775808", "-9223372036854775809", "1e30", "0.5")) {
            HttpResponse<String> r = send("POST", "/v1/completions", "{\"prompt\": \"And\", \"seed\": " + seed + "}");
            assertEquals(
                    "seed",
                    json(r.body()).getAsJsonObject("error").get("param").getAsString(),
                    seed + ": " + errorMessage(r, 400));
        }
        for (long seed : new long[] {Long.MAX_VALUE, Long.MIN_VALUE}) {
            HttpResponse<String> r =
                    send("POST", "/v1/completions", "{\"prompt\": \"And\", \"max_tokens\": 3, \"seed\": " + seed + "}");
            assertEquals(seed, json(r.body()).get("seed").getAsLong(), "the seed comes back as sent, not wrapped");
        }
        String greedy =
                text(send("POST", "/v1/completions", "{\"prompt\": \"And\", \"max_tokens\": 20, \"temperature\": 0}"));
        for (String tiny : List.of("1e-300", "4.9e-324", "1e-40")) {
            assertEquals(
                    greedy,
                    text(send(
                            "POST",
                            "/v1/completions",
                            "{\"prompt\": \"And\", \"max_tokens\": 20, \"temperature\": " + tiny + ", \"seed\": 3}")),
                    "temperature " + tiny + " is greedy, where dividing by it would overflow");
        }

        byte[] prefix = "{\"prompt\": \"And ".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[prefix.length + 3];
        System.arraycopy(prefix, 0, bad, 0, prefix.length);
        bad[prefix.length] = (byte) 0xC3; // starts a two-byte character...
        bad[prefix.length + 1] = (byte) 0x28; // ...that does not continue
        bad[prefix.length + 2] = '}';
        HttpResponse<String> r = postBytes("/v1/completions", bad);
        String message = errorMessage(r, 400);
        assertTrue(
                message.contains("not valid UTF-8")
                        && message.contains("byte " + prefix.length)
                        && message.contains("0xC3"),
                message);
        assertEquals(
                "invalid_utf8",
                json(r.body()).getAsJsonObject("error").get("code").getAsString());
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR")) {
            HttpResponse<String> r = ServeFixtures.http()
                    .send(
                            HttpRequest.newBuilder(server.uri().resolve("/v1/models"))
                                    .header("Authorization", scheme + " " + KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), scheme + ": " + r.body());
        }
    }

    @Test
    void theChatPagesDefaultsFitGenesisOneOneInNotebookTensContext() throws Exception {
        String page;
        try (InputStream in = CompletionServer.class.getResourceAsStream("/fasttrack/serve/chat.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String input = page.substring(
                page.indexOf("<input id=\"maxTokens\""), page.indexOf(">", page.indexOf("<input id=\"maxTokens\"")));
        assertFalse(input.contains("value="), "the page leaves max tokens to the server by default: " + input);
        // What the page sends by default (its request(): no max_tokens), for Genesis 1:1 on a model of context 128.
        String genesis = "In the beginning God created the heaven and the earth.";
        HttpResponse<String> r = post(
                server,
                KEY,
                "{\"prompt\": \"" + genesis + "\", \"temperature\": 0.8, \"top_p\": 0.95, \"stream\": false}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                64,
                json(r.body()).getAsJsonObject("usage").get("completion_tokens").getAsInt(),
                "64 tokens: 55 + 64 fit in 128");
        String longer = genesis + " And the earth was without form, and void.";
        JsonObject usage = json(post(server, KEY, "{\"prompt\": \"" + longer + "\"}")
                        .body())
                .getAsJsonObject("usage");
        assertEquals(
                128 - longer.length(),
                usage.get("completion_tokens").getAsInt(),
                "a longer prompt gets what room is left");
    }
}

package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.OTHER_KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.get;
import static fasttrack.serve.ServeFixtures.json;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call the server (keys from the environment or a file), how often (a token bucket per key), and what the logs keep of it. */
class AuthAndRateLimitTest {

    @TempDir
    Path dir;

    private NDManager nd;
    private Gpt model;
    private final List<CompletionServer> servers = new ArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.smallModel(nd, 11);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(CompletionServer::close);
        nd.close();
    }

    private CompletionServer start(ServeConfig config) {
        CompletionServer server = CompletionServer.start(model, TOKENIZER, config, 0, logLines::add);
        servers.add(server);
        return server;
    }

    private static final String GOOD = body("And", 2, 1.0, 5L, false);

    @Test
    void aRequestWithoutAValidKeyIsRefusedWith401() throws Exception {
        CompletionServer server = start(ServeConfig.defaults(ApiKeys.of(KEY)));
        var missing = post(server, null, GOOD);
        assertTrue(errorMessage(missing, 401).contains("Authorization: Bearer"), missing.body());
        assertEquals(
                "Bearer",
                missing.headers().firstValue("WWW-Authenticate").orElse(null),
                "a 401 says which scheme to use");
        var wrong = post(server, "not-the-key-0123456789", GOOD);
        assertTrue(errorMessage(wrong, 401).contains("not valid"), wrong.body());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").isPresent());
        // The key without the scheme, and the key with one character changed, are not the key.
        var noScheme = ServeFixtures.http()
                .send(
                        java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/completions"))
                                .header("Authorization", KEY)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(GOOD))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noScheme.statusCode());
        assertEquals(
                401,
                post(server, KEY.substring(0, KEY.length() - 1) + "X", GOOD).statusCode());
        assertEquals(401, post(server, KEY + "0", GOOD).statusCode());
        // /metrics needs a key; /health does not.
        assertEquals(401, get(server, "/metrics", null).statusCode());
        assertEquals(401, get(server, "/metrics", OTHER_KEY).statusCode());
        var metrics = ServeFixtures.get(server, "/metrics", KEY, "application/json");
        assertEquals(200, metrics.statusCode());
        assertTrue(json(metrics.body()).has("mean_batch_size"), metrics.body());
        var health = get(server, "/health", null);
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok", json(health.body()).get("status").getAsString());
        // And the right key works.
        assertEquals(2, TOKENIZER.encode(text(post(server, KEY, GOOD))).length);
    }

    @Test
    void keysComeFromTheEnvironmentOrAFileSkippingCommentsAndBlankLines() throws Exception {
        String fileKey = "file-key-aaaaaaaaaaaaaaaa", commented = "#commented-key-bbbbbbbbbbbbbb";
        Path file = dir.resolve("keys");
        Files.writeString(file, "# the keys of the course server\n\n" + commented + "\n   \n" + fileKey + "  \n");
        ApiKeys keys = ApiKeys.fromEnvironment(
                Map.of(ApiKeys.KEYS_VARIABLE, KEY + " , ", ApiKeys.FILE_VARIABLE, file.toString()));
        assertEquals(2, keys.size(), "one key from the variable, one from the file: " + keys);
        assertTrue(keys.identify(KEY).isPresent());
        assertTrue(keys.identify(fileKey).isPresent(), "the file's key, its trailing blanks stripped");
        assertFalse(keys.identify(commented).isPresent(), "a comment line is not a key");
        assertFalse(keys.identify(fileKey + "  ").isPresent());
        assertFalse(keys.identify(null).isPresent());
        assertNotEquals(keys.identify(KEY), keys.identify(fileKey), "each key has its own name");
        assertFalse(
                keys.toString().contains(KEY) || keys.toString().contains(fileKey),
                "printing the keys does not show them: " + keys);

        // A server started with them accepts both keys and nothing else.
        CompletionServer server = start(ServeConfig.defaults(keys));
        assertEquals(200, post(server, fileKey, GOOD).statusCode());
        assertEquals(200, post(server, KEY, GOOD).statusCode());
        assertEquals(401, post(server, commented, GOOD).statusCode());

        // Only the file.
        ApiKeys fromFile = ApiKeys.fromEnvironment(Map.of(ApiKeys.FILE_VARIABLE, file.toString()));
        assertEquals(1, fromFile.size());
        assertTrue(fromFile.identify(fileKey).isPresent());
        assertFalse(fromFile.identify(KEY).isPresent());
        // A file that is not there is named.
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> ApiKeys.fromEnvironment(
                        Map.of(ApiKeys.FILE_VARIABLE, dir.resolve("nope").toString())));
        assertTrue(
                missing.getMessage().contains("nope") && missing.getMessage().contains(ApiKeys.FILE_VARIABLE),
                missing.getMessage());
    }

    @Test
    void noKeysOrShortKeysAreRefusedWithMessagesSayingWhatToDo() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of(ApiKeys.KEYS_VARIABLE, " , ,"))) {
            IllegalArgumentException none =
                    assertThrows(IllegalArgumentException.class, () -> ApiKeys.fromEnvironment(env));
            assertTrue(
                    none.getMessage().contains("no API key")
                            && none.getMessage().contains(ApiKeys.KEYS_VARIABLE)
                            && none.getMessage().contains(ApiKeys.FILE_VARIABLE),
                    none.getMessage());
        }
        Path comments = dir.resolve("only-comments");
        Files.writeString(comments, "# nothing here yet\n\n");
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiKeys.fromEnvironment(Map.of(ApiKeys.FILE_VARIABLE, comments.toString())));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, ApiKeys::of);
        assertTrue(empty.getMessage().contains("no API key"), empty.getMessage());

        String fifteen = "abcdefghijklmno";
        IllegalArgumentException shortKey =
                assertThrows(IllegalArgumentException.class, () -> ApiKeys.of(KEY, fifteen));
        assertTrue(
                shortKey.getMessage().contains("at least 16")
                        && shortKey.getMessage().contains("key 2")
                        && shortKey.getMessage().contains("15"),
                shortKey.getMessage());
        assertFalse(shortKey.getMessage().contains(fifteen), "the message does not repeat the key");
        assertThrows(
                IllegalArgumentException.class, () -> ApiKeys.fromEnvironment(Map.of(ApiKeys.KEYS_VARIABLE, "short")));
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiKeys.of("sixteen chars ok"),
                "a space is not allowed in a key");
        assertEquals(1, ApiKeys.of(fifteen + "p").size(), "16 characters are enough");
        String random = ApiKeys.random();
        assertTrue(random.matches("[0-9a-f]{32}"), random);
        assertNotEquals(random, ApiKeys.random());
        IllegalArgumentException noConfigKeys =
                assertThrows(IllegalArgumentException.class, () -> ServeConfig.defaults(null));
        assertTrue(noConfigKeys.getMessage().contains("API keys"), noConfigKeys.getMessage());
    }

    @Test
    void theFourthQuickRequestIsRateLimitedAndAnotherKeyIsNot() throws Exception {
        CompletionServer server =
                start(ServeConfig.defaults(ApiKeys.of(KEY, OTHER_KEY)).withRateLimit(3));
        for (int i = 0; i < 3; i++)
            assertEquals(200, post(server, KEY, GOOD).statusCode(), "request " + (i + 1) + " of 3");
        var limited = post(server, KEY, GOOD);
        String message = errorMessage(limited, 429);
        assertTrue(message.contains("3 requests a minute"), message);
        long retryAfter =
                Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(
                retryAfter >= 1 && retryAfter <= 20,
                "at 3 a minute the next permit is at most 20 s away: " + retryAfter);
        assertTrue(message.contains("retry in " + retryAfter + " s"), message);
        assertEquals(200, post(server, OTHER_KEY, GOOD).statusCode(), "the other key has its own bucket");
        assertEquals(429, get(server, "/metrics", KEY).statusCode(), "every keyed endpoint counts");
        assertEquals(200, get(server, "/health", null).statusCode(), "health is not limited");
        // Refusals without a key do not use up anyone's permits.
        for (int i = 0; i < 5; i++) assertEquals(401, post(server, null, GOOD).statusCode());
        assertEquals(200, post(server, OTHER_KEY, GOOD).statusCode());
    }

    @Test
    void theBucketRefillsAtItsRateOnAFakeClock() {
        AtomicLong now = new AtomicLong(5_000_000_000_000L);
        RateLimiter limiter = new RateLimiter(6, now::get); // 6 a minute: one permit every 10 s
        for (int i = 0; i < 6; i++) assertEquals(0, limiter.tryAcquire("a"), "the burst of 6, request " + (i + 1));
        assertEquals(10, limiter.tryAcquire("a"), "empty: the next permit is 10 s away");
        assertEquals(0, limiter.tryAcquire("b"), "another key has its own full bucket");
        now.addAndGet(20_000_000_000L); // 20 s at 6 a minute: exactly 2 permits
        assertEquals(0, limiter.tryAcquire("a"));
        assertEquals(0, limiter.tryAcquire("a"));
        assertEquals(10, limiter.tryAcquire("a"), "only 2 permits after 20 s");
        now.addAndGet(4_000_000_000L);
        assertEquals(6, limiter.tryAcquire("a"), "4 s later: 0.4 of a permit, 6 s to go");
        now.addAndGet(1_000_000_000L);
        assertEquals(5, limiter.tryAcquire("a"), "5 s later: half a permit, 5 s to go");
        now.addAndGet(5_000_000_000L);
        assertEquals(0, limiter.tryAcquire("a"), "10 s later: a whole permit");
        now.addAndGet(3_600_000_000_000L); // an hour: the bucket holds at most 6
        for (int i = 0; i < 6; i++) assertEquals(0, limiter.tryAcquire("a"), "after an hour, request " + (i + 1));
        assertEquals(10, limiter.tryAcquire("a"), "the bucket never holds more than a minute's permits");
        IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, now::get));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
    }

    @Test
    void everyRequestIsOneJsonLogLineWithItsStatusAndLatencyAndNeverTheKey() throws Exception {
        CompletionServer server = start(ServeConfig.defaults(ApiKeys.of(KEY)));
        String wrongKey = "wrong-key-9999999999999999";
        List<Integer> statuses = new ArrayList<>();
        statuses.add(post(server, KEY, GOOD).statusCode());
        statuses.add(post(server, null, GOOD).statusCode());
        statuses.add(post(server, wrongKey, GOOD).statusCode());
        statuses.add(post(server, KEY, "{\"prompt\": \"\"}").statusCode());
        statuses.add(get(server, "/health", null).statusCode());
        statuses.add(get(server, "/metrics", KEY).statusCode());
        statuses.add(post(server, KEY, body("And", 3, 1.0, 1L, true)).statusCode());
        assertEquals(List.of(200, 401, 401, 400, 200, 200, 200), statuses);
        // The streamed request's line is written once its last event is sent, which may be just after the client read
        // it.
        assertTrue(ServeFixtures.eventually(() -> logLines.size() >= statuses.size()), "log lines: " + logLines);
        Thread.sleep(50);
        assertEquals(statuses.size(), logLines.size(), "one line per request: " + logLines);
        List<String> paths = List.of(
                "/v1/completions",
                "/v1/completions",
                "/v1/completions",
                "/v1/completions",
                "/health",
                "/metrics",
                "/v1/completions");
        for (int i = 0; i < statuses.size(); i++) {
            String line = logLines.get(i);
            assertFalse(line.contains("\n"), "one line: " + line);
            JsonObject o = json(line);
            assertEquals(statuses.get(i).intValue(), o.get("status").getAsInt(), line);
            assertEquals(paths.get(i), o.get("path").getAsString(), line);
            double latency = o.get("latency_ms").getAsDouble();
            assertTrue(latency >= 0 && latency < 30_000, line);
            assertFalse(line.contains(KEY) || line.contains(wrongKey), "a log line shows a key: " + line);
            assertFalse(line.contains(KEY.substring(0, 12)), "a log line shows part of a key: " + line);
        }
        String keyName = json(logLines.get(0)).get("key").getAsString();
        assertTrue(keyName.startsWith("key-") && keyName.length() > 4, keyName);
        assertEquals(keyName, json(logLines.get(5)).get("key").getAsString(), "the same key, the same name");
        assertFalse(json(logLines.get(1)).has("key"));
        assertTrue(json(logLines.get(3)).get("error").getAsString().contains("'prompt' is empty"));
        assertEquals(3, json(logLines.get(6)).get("completion_tokens").getAsInt());
    }
}

package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} is Prometheus's text format: parsed here line by line against its grammar, its
 * numbers equal to the JSON view's; OpenMetrics for a client that asks for it; and, where Debian's
 * {@code prometheus} is installed, a real Prometheus server scrapes it over loopback and answers a query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    @TempDir
    Path dir;

    private NDManager nd;
    private CompletionServer server;

    @BeforeAll
    void start() throws Exception {
        nd = Setup.manager().newSubManager();
        Gpt model = ServeFixtures.smallModel(nd, 59);
        server = CompletionServer.start(model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)), 0, line -> {});
        for (int i = 0; i < 3; i++)
            assertEquals(
                    200, post(server, KEY, body("And", 5, 1.0, (long) i, false)).statusCode());
        assertEquals(200, post(server, KEY, body("And", 4, 1.0, 9L, true)).statusCode());
        assertEquals(400, post(server, KEY, "{\"prompt\": \"\"}").statusCode());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        nd.close();
    }

    /** A sample's value by its name and labels, as "name{a=\"x\"}" (labels in the order given). */
    private static Map<String, Double> parse(String text) {
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) continue;
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertEquals(4, parts.length, "# TYPE name type: " + line);
                assertTrue(parts[3].matches("counter|gauge|summary|histogram|untyped"), line);
                assertTrue(types.put(parts[2], parts[3]) == null, "one TYPE per family: " + line);
                continue;
            }
            assertTrue(!line.isBlank() && !line.startsWith("#"), "a sample, a HELP or a TYPE line: '" + line + "'");
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) fail("not a sample line: '" + line + "'");
            String name = m.group(1);
            assertTrue(
                    types.keySet().stream().anyMatch(f -> name.equals(f) || name.startsWith(f + "_")),
                    "a sample after its family's TYPE: " + line);
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) end = l.end();
                assertEquals(m.group(3).length(), end, "labels name=\"value\", comma-separated: " + line);
            }
            String value = m.group(4);
            double v = value.equals("+Inf")
                    ? Double.POSITIVE_INFINITY
                    : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(value);
            samples.put(name + (m.group(2) == null ? "" : m.group(2)), v);
        }
        return samples;
    }

    @Test
    void metricsAreThePrometheusTextFormatAndAgreeWithTheJsonView() throws Exception {
        HttpResponse<String> r = ServeFixtures.get(server, "/metrics", KEY);
        assertEquals(200, r.statusCode());
        assertEquals(
                ServeMetrics.PROMETHEUS_TEXT,
                r.headers().firstValue("Content-Type").orElse(""));
        Map<String, Double> samples = parse(r.body());
        JsonObject json = ServeFixtures.metricsJson(server);
        assertEquals(json.get("tokens_generated").getAsDouble(), samples.get("tokens_generated_total"), r.body());
        assertEquals(3 * 5 + 4, samples.get("tokens_generated_total"));
        assertEquals(
                4.0,
                samples.get("requests_total{status=\"200\"}"),
                "the four completions (this scrape is counted after it)");
        assertEquals(1.0, samples.get("requests_total{status=\"400\"}"));
        assertEquals(json.get("forward_passes").getAsDouble(), samples.get("model_forward_passes_total"));
        assertEquals(4.0, samples.get("request_first_token_seconds_count"));
        assertTrue(
                samples.containsKey("request_latency_seconds{quantile=\"0.95\"}"),
                "latency percentiles as a summary's quantiles");
        assertTrue(samples.get("decode_batch_size_count") > 0);
        assertEquals(0.0, samples.get("queue_length"));
        assertEquals(0.0, samples.get("batch_running"));

        HttpResponse<String> open = ServeFixtures.get(
                server, "/metrics", KEY, "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertEquals(
                ServeMetrics.OPEN_METRICS,
                open.headers().firstValue("Content-Type").orElse(""));
        assertTrue(open.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertEquals(401, ServeFixtures.get(server, "/metrics", null).statusCode(), "metrics need a key");
    }

    @Test
    void theForwardPassCounterKeepsCountingAfterAGarbageCollection() {
        ServeMetrics metrics = new ServeMetrics();
        java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
        metrics.forwardPasses(passes::get); // a lambda no one else holds: Micrometer alone would keep it weakly
        for (int i = 0; i < 3; i++) System.gc();
        passes.set(7);
        assertEquals(
                7.0,
                metrics.registry()
                        .find("model.forward_passes")
                        .functionCounter()
                        .count(),
                "the counter still reads its supplier");
    }

    @Test
    void aRealPrometheusServerScrapesIt() throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        boolean required = "1".equals(System.getenv("FASTTRACK_REQUIRE_PROMETHEUS"));
        if (!required)
            Assumptions.assumeTrue(
                    Files.isExecutable(binary),
                    "no /usr/bin/prometheus (Debian's prometheus): the scrape by a real Prometheus is skipped");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(
                dir.resolve("prometheus.yml"),
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "scrape_configs:",
                        "  - job_name: fasttrack",
                        "    authorization:",
                        "      credentials: " + KEY,
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + server.port() + "']",
                        ""));
        Process prometheus = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        try {
            double expected =
                    ServeFixtures.metricsJson(server).get("tokens_generated").getAsDouble();
            long deadline = System.nanoTime() + 30_000_000_000L;
            String last = "";
            while (System.nanoTime() < deadline) {
                Thread.sleep(500);
                last = query(port, "tokens_generated_total{job=\"fasttrack\"}");
                JsonArray result = last.isEmpty()
                        ? new JsonArray()
                        : ServeFixtures.json(last).getAsJsonObject("data").getAsJsonArray("result");
                if (!result.isEmpty()) {
                    assertEquals(
                            expected,
                            Double.parseDouble(result.get(0)
                                    .getAsJsonObject()
                                    .getAsJsonArray("value")
                                    .get(1)
                                    .getAsString()),
                            last);
                    JsonArray up = ServeFixtures.json(query(port, "up{job=\"fasttrack\"}"))
                            .getAsJsonObject("data")
                            .getAsJsonArray("result");
                    assertEquals(
                            "1",
                            up.get(0)
                                    .getAsJsonObject()
                                    .getAsJsonArray("value")
                                    .get(1)
                                    .getAsString(),
                            "the target is up");
                    return;
                }
            }
            fail("Prometheus never had the server's tokens_generated_total in 30 s; last answer: " + last
                    + "; its log: " + Files.readString(dir.resolve("prometheus.log")));
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly();
        }
    }

    /** Prometheus's instant query API; empty while it is not answering yet. */
    private static String query(int port, String promql) {
        try {
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            HttpResponse<String> r = ServeFixtures.http()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (Exception notYet) {
            return "";
        }
    }
}

package fasttrack.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.text.Tokenizer;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An HTTP server for a course GPT, on Javalin:
 * <ul>
 * <li>{@code POST /v1/completions}: a completion as JSON, or with {@code "stream": true} as
 *     server-sent events, one per token, as they are generated;</li>
 * <li>{@code GET /health} (no key needed) and {@code GET /metrics};</li>
 * <li>{@code GET /}: a chat page that streams completions into the browser.</li>
 * </ul>
 * API calls need {@code Authorization: Bearer KEY}; each key is rate-limited; bodies, parameters
 * and prompts are checked, and every refusal is a 4xx with a JSON message that says what to fix.
 * Requests are decoded together by a {@link BatchScheduler}. Every request is logged as one JSON
 * line. Close the server to stop it: it owns no thread that outlives {@link #close()}.
 */
public final class CompletionServer implements AutoCloseable {

    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Tokenizer tokenizer;
    private final ServeConfig config;
    private final int context;
    private final String modelName;
    private final RateLimiter limiter;
    private final ServeMetrics metrics = new ServeMetrics();
    private final BatchScheduler scheduler;
    private final Consumer<String> log;
    private final AtomicLong ids = new AtomicLong();
    private final Javalin app;

    private CompletionServer(Gpt model, Tokenizer tokenizer, ServeConfig config, Consumer<String> log) {
        CachedDecoder decoder = CachedDecoder.of(model);
        if (decoder == null) throw new IllegalArgumentException("the server decodes on the CPU with the GPT layout (pre-norm, causal); this model is not one");
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens, the model " + model.config().vocabSize() + ": use the model's own tokenizer");
        }
        this.tokenizer = tokenizer;
        this.config = config;
        this.context = model.config().blockSize();
        this.modelName = "fasttrack-gpt-" + model.config().layers() + "x" + model.config().embedDim();
        this.limiter = new RateLimiter(config.requestsPerMinute());
        this.log = log;
        this.scheduler = new BatchScheduler(decoder, tokenizer, config.maxBatch(), config.maxQueue(), metrics);
        metrics.queue(scheduler::queueLength);
        metrics.forwardPasses(decoder::forwardPasses);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            // Daemon threads: a server left open (a notebook cell failed before close) never keeps the JVM alive.
            org.eclipse.jetty.util.thread.QueuedThreadPool threads = new org.eclipse.jetty.util.thread.QueuedThreadPool(64, 4);
            threads.setDaemon(true);
            threads.setName("fasttrack-http");
            c.jetty.threadPool = threads;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(chatPage()));
            c.routes.get("/health", ctx -> handle(ctx, false, () -> ok(ctx, health())));
            c.routes.get("/metrics", ctx -> handle(ctx, true, () -> ok(ctx, metrics.snapshot())));
            c.routes.post("/v1/completions", ctx -> handle(ctx, true, () -> complete(ctx)));
        });
    }

    /**
     * Starts a server on {@code port} (0: any free port) for {@code model} and its tokenizer; each
     * request's log line goes to {@code log}.
     */
    public static CompletionServer start(Gpt model, Tokenizer tokenizer, ServeConfig config, int port, Consumer<String> log) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
        CompletionServer server = new CompletionServer(model, tokenizer, config, log);
        try {
            server.app.start("127.0.0.1", port);
        } catch (RuntimeException e) {
            server.scheduler.close();
            throw new IllegalStateException("could not start the server on port " + port + " (" + e.getMessage() + "): pick another port or 0 for any free one", e);
        }
        return server;
    }

    public int port() {
        return app.port();
    }

    /** The base address, e.g. http://127.0.0.1:7070/. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    public ServeConfig config() {
        return config;
    }

    private interface Endpoint {
        Map<String, Object> run() throws Exception;
    }

    /** Authenticates (when asked), runs the endpoint, turns refusals into JSON errors, counts and logs the request. */
    private void handle(Context ctx, boolean needsKey, Endpoint endpoint) {
        long started = System.nanoTime();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("request_id", "req-" + ids.incrementAndGet());
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        int status = 200;
        try {
            if (needsKey) line.put("key", authenticate(ctx));
            Map<String, Object> details = endpoint.run();
            if (details != null) line.putAll(details);
        } catch (ApiException e) {
            status = e.status();
            line.put("error", e.getMessage());
            if (!ctx.res().isCommitted()) error(ctx, e);
        } catch (Exception e) {
            status = 500;
            line.put("error", e.toString());
            if (!ctx.res().isCommitted()) error(ctx, new ApiException(500, "server_error", "the server failed: " + e.getMessage()));
        } finally {
            long nanos = System.nanoTime() - started;
            line.put("status", status);
            line.put("latency_ms", Math.round(nanos / 1e5) / 10.0);
            metrics.request(status, nanos);
            log.accept(JSON.toJson(line));
        }
    }

    /** The key's short name, or 401; then the key's rate limit, or 429 with Retry-After. */
    private String authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : null;
        Optional<String> key = config.keys().identify(presented);
        if (key.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", presented == null ? "missing API key: send the header 'Authorization: Bearer YOUR_KEY'" : "the API key is not valid");
        }
        long wait = limiter.tryAcquire(key.get());
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new ApiException(429, "rate_limited", "rate limit of " + config.requestsPerMinute() + " requests a minute reached for this key: retry in " + wait + " s");
        }
        return key.get();
    }

    private Map<String, Object> complete(Context ctx) throws IOException, InterruptedException {
        if (ctx.contentLength() > config.maxBodyBytes()) {
            throw new ApiException(413, "too_large", "the body has " + ctx.contentLength() + " bytes; the limit is " + config.maxBodyBytes());
        }
        String raw;
        try {
            raw = ctx.body();
        } catch (io.javalin.http.HttpResponseException e) {   // a body without Content-Length (chunked) is measured only as it is read
            if (e.getStatus() != 413) throw e;
            throw new ApiException(413, "too_large", "the body is over the limit of " + config.maxBodyBytes() + " bytes");
        }
        CompletionRequest request = CompletionRequest.parse(raw, tokenizer, context, config.maxTokens());
        Generation generation = scheduler.submit(request, config.timeout());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prompt_tokens", request.promptTokens().length);
        details.put("stream", request.stream());
        String id = "cmpl-" + ids.incrementAndGet();
        if (request.stream()) {
            details.put("completion_tokens", stream(ctx, id, request, generation));
            return details;
        }
        StringBuilder text = new StringBuilder();
        int count = 0;
        for (Generation.Event e = generation.next(); ; e = generation.next()) {
            if (e.error() != null) throw e.error();
            if (e.isEnd()) {
                Map<String, Object> body = completion(id, request, count);
                body.put("text", text.toString());
                body.put("finish_reason", e.finishReason());
                ok(ctx, body);
                details.put("completion_tokens", count);
                return details;
            }
            text.append(e.token());
            count++;
        }
    }

    /** Server-sent events: one {"token": ...} per token as generated, then the finish and usage, then [DONE]. Returns the tokens sent. */
    private int stream(Context ctx, String id, CompletionRequest request, Generation generation) throws InterruptedException {
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        int count = 0;
        try {
            OutputStream out = ctx.res().getOutputStream();
            for (Generation.Event e = generation.next(); ; e = generation.next()) {
                if (e.error() != null) {
                    send(out, Map.of("error", Map.of("type", e.error().type(), "message", e.error().getMessage())));
                    send(out, "[DONE]");
                    throw e.error();   // logged and counted with its status; the response is already committed
                }
                if (e.isEnd()) {
                    Map<String, Object> end = completion(id, request, count);
                    end.put("finish_reason", e.finishReason());
                    send(out, end);
                    send(out, "[DONE]");
                    return count;
                }
                send(out, Map.of("id", id, "index", count, "token", e.token()));
                count++;
            }
        } catch (IOException gone) {   // the client closed the connection: stop generating for it
            generation.cancel();
            return count;
        }
    }

    private static void send(OutputStream out, Object data) throws IOException {
        String payload = data instanceof String s ? s : JSON.toJson(data);
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Map<String, Object> completion(String id, CompletionRequest request, int count) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "text_completion");
        body.put("model", modelName);
        body.put("seed", request.sampling().seed());
        body.put("usage", Map.of("prompt_tokens", request.promptTokens().length, "completion_tokens", count,
                "total_tokens", request.promptTokens().length + count));
        return body;
    }

    private Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("model", modelName);
        body.put("context", context);
        body.put("max_batch", config.maxBatch());
        body.put("queue_length", scheduler.queueLength());
        return body;
    }

    private static Map<String, Object> ok(Context ctx, Map<String, Object> body) {
        ctx.status(200).contentType("application/json").result(JSON.toJson(body));
        return null;
    }

    private static void error(Context ctx, ApiException e) {
        ctx.status(e.status()).contentType("application/json")
                .result(JSON.toJson(Map.of("error", Map.of("type", e.type(), "message", e.getMessage()))));
    }

    private static byte[] chatPage() throws IOException {
        try (InputStream in = CompletionServer.class.getResourceAsStream("/fasttrack/serve/chat.html")) {
            if (in == null) throw new IOException("the chat page is missing from the jar: rebuild it with mvn package");
            return in.readAllBytes();
        }
    }

    /** Stops the server: its connections close at once (requests in flight are dropped), the scheduler stops, the port is freed. */
    @Override
    public void close() {
        app.stop();
        scheduler.close();
    }

    @Override
    public String toString() {
        return "CompletionServer(" + uri() + ", " + modelName + ", batches of up to " + config.maxBatch() + ")";
    }
}

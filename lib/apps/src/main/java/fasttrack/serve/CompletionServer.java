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
import java.net.URI;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An HTTP server for a course GPT, on Javalin:
 * <ul>
 * <li>{@code POST /v1/chat/completions}: OpenAI's chat API, so OpenAI's own SDKs and LangChain4j
 *     talk to the model as they would to OpenAI ({@link ChatRequest} says how a conversation is read
 *     onto notebook 17's chat template); {@code GET /v1/models} lists the model;</li>
 * <li>{@code POST /v1/completions}: a completion of a prompt as JSON, or with {@code "stream": true}
 *     as server-sent events, one per token, as they are generated;</li>
 * <li>{@code GET /health} (no key needed) and {@code GET /metrics} (Prometheus's text format, or
 *     JSON when the request accepts {@code application/json});</li>
 * <li>{@code GET /}: a chat page that streams completions into the browser.</li>
 * </ul>
 * API calls need {@code Authorization: Bearer KEY}; each key is rate-limited; bodies, parameters
 * and prompts are checked, and every refusal, whoever makes it (an endpoint, a route that does not
 * exist, Jetty itself), is OpenAI's error object with a message that says what to fix. Requests are
 * decoded together by a {@link BatchScheduler}; a client that goes away cancels its generation
 * ({@link ClientWatch}). Past its capacity (requests decoding and waiting, bodies being read) it
 * refuses at once with 503, keeping threads for /health. Every request is logged as one JSON line.
 * {@link #drain} stops it gracefully (SIGTERM in {@code lib/bin/serve}), {@link #close()} at once; it
 * owns no thread that outlives either.
 */
public final class CompletionServer implements AutoCloseable {

    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().create();
    /**
     * Requests that may be sending their bodies at once; more get a 503 at once. A body is read by a
     * blocked thread, so without this bound clients that send bodies slowly could hold every thread
     * and leave none for /health or for requests that are ready.
     */
    static final int CONCURRENT_BODIES = 16;
    /** Threads beyond the requests admitted and the bodies being read: /health, /metrics, refusals, Jetty's own. */
    static final int SPARE_THREADS = 24;
    /** Set on a request whose answer an endpoint wrote, so Javalin's status mappers leave it alone. */
    private static final String ANSWERED = "fasttrack.answered";

    private final Tokenizer tokenizer;
    private final ServeConfig config;
    private final int context;
    private final String modelName;
    private final long created = System.currentTimeMillis() / 1000;
    private final RateLimiter limiter;
    private final ServeMetrics metrics = new ServeMetrics();
    private final RequestLog requestLog;
    private final BatchScheduler scheduler;
    private final ClientWatch clients = new ClientWatch();
    private final java.util.concurrent.Semaphore bodies = new java.util.concurrent.Semaphore(CONCURRENT_BODIES);
    private final java.util.concurrent.atomic.AtomicInteger handling = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;
    private final Javalin app;

    private CompletionServer(Gpt model, Tokenizer tokenizer, ServeConfig config, Consumer<String> log) {
        CachedDecoder decoder = CachedDecoder.of(model);
        if (decoder == null)
            throw new IllegalArgumentException(
                    "the server decodes on the CPU with the GPT layout (pre-norm, causal); this model is not one");
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens, the model "
                    + model.config().vocabSize() + ": use the model's own tokenizer");
        }
        this.tokenizer = tokenizer;
        this.config = config;
        this.context = model.config().blockSize();
        this.modelName = "fasttrack-gpt-" + model.config().layers() + "x"
                + model.config().embedDim();
        this.limiter = new RateLimiter(config.requestsPerMinute());
        this.requestLog = new RequestLog(log, metrics);
        this.scheduler = new BatchScheduler(
                decoder,
                tokenizer,
                config.maxBatch(),
                config.maxQueue(),
                config.prefillChunk(),
                config.prefixCache(),
                metrics);
        metrics.queue(scheduler::queueLength);
        metrics.running(scheduler::running);
        metrics.forwardPasses(decoder::forwardPasses);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            // Daemon threads: a server left open (a notebook cell failed before close) never keeps the JVM alive.
            // Enough for every request the scheduler admits to wait in its handler, every body being read, and spares,
            // so admission is bounded by the scheduler (its 503 fires) and not by a queue of requests waiting for a
            // thread.
            int maxThreads = config.maxBatch() + config.maxQueue() + CONCURRENT_BODIES + SPARE_THREADS;
            org.eclipse.jetty.util.thread.QueuedThreadPool threads =
                    new org.eclipse.jetty.util.thread.QueuedThreadPool(maxThreads, 4);
            threads.setDaemon(true);
            threads.setName("fasttrack-http");
            c.jetty.threadPool = threads;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(requestLog)));
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.prefer405over404 = true;
            c.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(chatPage()));
            c.routes.get("/health", ctx -> handle(ctx, false, id -> health(ctx)));
            c.routes.get("/metrics", ctx -> handle(ctx, true, id -> metricsPage(ctx)));
            c.routes.get("/v1/models", ctx -> handle(ctx, true, id -> ok(ctx, models())));
            c.routes.get("/v1/models/{model}", ctx -> handle(ctx, true, id -> ok(ctx, model(ctx.pathParam("model")))));
            c.routes.post("/v1/completions", ctx -> handle(ctx, true, id -> complete(ctx)));
            c.routes.post("/v1/chat/completions", ctx -> handle(ctx, true, id -> chat(ctx)));
            for (int status : new int[] {404, 405}) c.routes.error(status, "*", ctx -> unrouted(ctx));
        });
    }

    /**
     * Starts a server on {@code port} (0: any free port) for {@code model} and its tokenizer; each
     * request's log line goes to {@code log}.
     */
    public static CompletionServer start(
            Gpt model, Tokenizer tokenizer, ServeConfig config, int port, Consumer<String> log) {
        if (port < 0 || port > 65535)
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
        CompletionServer server = new CompletionServer(model, tokenizer, config, log);
        try {
            server.app.start("127.0.0.1", port);
        } catch (RuntimeException e) {
            server.scheduler.close();
            server.clients.close();
            throw new IllegalStateException(
                    "could not start the server on port " + port + " (" + e.getMessage()
                            + "): pick another port or 0 for any free one",
                    e);
        }
        // A connection silent this long while the server waits to read from it (a stalled body) is answered 408 and
        // closed.
        for (var connector : server.app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector c)
                c.setIdleTimeout(config.bodyTimeout().toMillis());
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

    /** The model's id in the API ({@code model} of a chat request, {@code GET /v1/models}). */
    public String modelName() {
        return modelName;
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    public ServeConfig config() {
        return config;
    }

    /** Requests in the scheduler's batch now. */
    public int running() {
        return scheduler.running();
    }

    private interface Endpoint {
        /** Answers the request named {@code id}; returns what its log line adds, or null. */
        Map<String, Object> run(String id) throws Exception;
    }

    /** Authenticates (when asked), runs the endpoint, turns refusals into OpenAI error objects, counts and logs the request. */
    private void handle(Context ctx, boolean needsKey, Endpoint endpoint) {
        long started = System.nanoTime();
        Map<String, Object> line = requestLog.open(ctx.method().name(), ctx.path());
        String id = (String) line.get("request_id");
        ctx.attribute(ANSWERED, true);
        ctx.header("X-Request-Id", id);
        int status = 200;
        ApiException error = null;
        handling.incrementAndGet();
        try {
            if (needsKey) line.put("key", authenticate(ctx));
            Map<String, Object> details = endpoint.run(id);
            if (details != null) line.putAll(details);
        } catch (ApiException e) {
            error = e;
        } catch (Exception e) {
            error = ApiException.serverError(id, e);
        } finally {
            if (error != null) {
                status = error.status();
                if (status == 503) ctx.header("Retry-After", "1");
                if (!ctx.res().isCommitted() && status != 499) error(ctx, error, line);
            } else status = ctx.statusCode();
            requestLog.close(line, status, error, started);
            handling.decrementAndGet();
        }
    }

    /** A path no route serves (404), or a method its route does not take (405): the same JSON error, logged like any request. */
    private void unrouted(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(ANSWERED)))
            return; // an endpoint's own 404 (an unknown model), already written
        int status = ctx.statusCode();
        handle(ctx, false, id -> {
            throw status == 405
                    ? new ApiException(
                            405,
                            "method_not_allowed",
                            ctx.method().name() + " is not allowed on " + ctx.path() + ": use "
                                    + ctx.res().getHeader("Allow"))
                    : new ApiException(
                            404,
                            "not_found",
                            "nothing is served at " + ctx.path()
                                    + ": the API is POST /v1/chat/completions, POST /v1/completions, "
                                    + "GET /v1/models, GET /health and GET /metrics");
        });
    }

    /** The key's short name, or 401; then the key's rate limit, or 429 with Retry-After. The scheme's name is case-insensitive (RFC 9110 §11.1). */
    private String authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip()
                : null;
        Optional<String> key = config.keys().identify(presented);
        if (key.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw presented == null
                    ? new ApiException(
                            401, "missing_api_key", "missing API key: send the header 'Authorization: Bearer YOUR_KEY'")
                    : new ApiException(401, "invalid_api_key", "the API key is not valid");
        }
        long wait = limiter.tryAcquire(key.get());
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new ApiException(
                    429,
                    "rate_limit_exceeded",
                    "rate limit of " + config.requestsPerMinute() + " requests a minute reached for this key: retry in "
                            + wait + " s");
        }
        return key.get();
    }

    private JsonBody body(Context ctx, String example) throws IOException {
        if (draining)
            throw new ApiException(
                    503, "shutting_down", "the server is shutting down: retry on another instance or in a moment");
        if (!bodies.tryAcquire()) {
            throw new ApiException(
                    503, "busy", CONCURRENT_BODIES + " requests are already sending their bodies: retry in a moment");
        }
        try {
            return JsonBody.parse(
                    JsonBody.read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), config.maxBodyBytes()),
                    example);
        } finally {
            bodies.release();
        }
    }

    /** What a generation came to: its finish reason and the tokens it generated. */
    private record Finish(String reason, int tokens) {}

    /** Where each event's text goes; throws IOException when the client is gone. */
    private interface TextSink {
        void accept(String text, int tokens) throws IOException;
    }

    /**
     * Reads {@code g}'s events to its end, handing each token's text to {@code sink}, while watching the
     * client's connection: a client that goes away, or a write that fails, cancels the generation (499,
     * logged and counted as a client abort). Throws the generation's error, if it ends with one.
     */
    private Finish follow(Context ctx, Generation g, TextSink sink) throws InterruptedException {
        ApiException gone = new ApiException(
                499, "client_closed", "the client closed the connection before the generation finished");
        try (ClientWatch.Watch ignored = watch(ctx, () -> g.cancel(gone))) {
            int tokens = 0;
            for (Generation.Event e = g.next(); ; e = g.next()) {
                if (e.error() != null) throw e.error();
                if (e.isEnd()) return new Finish(e.finishReason(), tokens);
                tokens += e.tokens();
                try {
                    sink.accept(e.text(), tokens);
                } catch (IOException writeFailed) {
                    g.cancel(gone);
                }
            }
        }
    }

    private ClientWatch.Watch watch(Context ctx, Runnable onGone) {
        Object transport = ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData()
                .getConnection()
                .getEndPoint()
                .getTransport();
        return transport instanceof SelectableChannel channel ? clients.watch(channel, onGone) : () -> {};
    }

    // ---- POST /v1/completions ----

    private Map<String, Object> complete(Context ctx) throws IOException, InterruptedException {
        CompletionRequest request =
                CompletionRequest.parse(body(ctx, CompletionRequest.EXAMPLE), tokenizer, context, config.maxTokens());
        String id = requestLog.completionId("cmpl");
        Generation generation = scheduler.submit(id, request.decoding(), config.timeout());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prompt_tokens", request.promptTokens().length);
        details.put("stream", request.stream());
        if (request.stream()) {
            EventStream events = new EventStream(ctx.res());
            try {
                Finish f = follow(
                        ctx,
                        generation,
                        (text, tokens) -> events.send(Map.of("id", id, "index", tokens - 1, "token", text)));
                Map<String, Object> end = completion(id, request, f.tokens());
                end.put("finish_reason", f.reason());
                events.send(end);
                events.done();
                details.put("completion_tokens", f.tokens());
                return details;
            } catch (ApiException e) {
                endStream(events, e);
                throw e;
            }
        }
        StringBuilder text = new StringBuilder();
        Finish f = follow(ctx, generation, (t, tokens) -> text.append(t));
        Map<String, Object> body = completion(id, request, f.tokens());
        body.put("text", text.toString());
        body.put("finish_reason", f.reason());
        ok(ctx, body);
        details.put("completion_tokens", f.tokens());
        return details;
    }

    /** A stream that ends with an error says so (its 200 has gone out already), unless the client is gone. */
    private static void endStream(EventStream events, ApiException e) {
        if (e.status() == 499) return;
        try {
            events.send(e.body());
            events.done();
        } catch (IOException clientGone) {
            // nobody is left to tell
        }
    }

    private Map<String, Object> completion(String id, CompletionRequest request, int count) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "text_completion");
        body.put("model", modelName);
        body.put("seed", request.sampling().seed());
        body.put("usage", usage(request.promptTokens().length, count));
        return body;
    }

    private static Map<String, Object> usage(int prompt, int completion) {
        return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
    }

    // ---- POST /v1/chat/completions ----

    private Map<String, Object> chat(Context ctx) throws IOException, InterruptedException {
        ChatRequest request = ChatRequest.parse(
                body(ctx, ChatRequest.EXAMPLE.replace("MODEL", modelName)),
                modelName,
                tokenizer,
                context,
                config.maxTokens());
        String id = requestLog.completionId("chatcmpl");
        Generation generation = scheduler.submit(id, request.decoding(), config.timeout());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prompt_tokens", request.promptTokens().length);
        details.put("stream", request.stream());
        long createdAt = System.currentTimeMillis() / 1000;
        if (request.stream()) {
            EventStream events = new EventStream(ctx.res());
            try {
                events.send(chunk(id, createdAt, Map.of("role", "assistant", "content", ""), null));
                Finish f = follow(ctx, generation, (text, tokens) -> {
                    if (!text.isEmpty()) events.send(chunk(id, createdAt, Map.of("content", text), null));
                });
                events.send(chunk(id, createdAt, Map.of(), f.reason()));
                if (request.includeUsage()) {
                    Map<String, Object> last = chatObject(id, createdAt, "chat.completion.chunk", List.of());
                    last.put("usage", usage(request.promptTokens().length, f.tokens()));
                    events.send(last);
                }
                events.done();
                details.put("completion_tokens", f.tokens());
                details.put("finish_reason", f.reason());
                return details;
            } catch (ApiException e) {
                endStream(events, e);
                throw e;
            }
        }
        StringBuilder text = new StringBuilder();
        Finish f = follow(ctx, generation, (t, tokens) -> text.append(t));
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", Map.of("role", "assistant", "content", text.toString()));
        choice.put("finish_reason", f.reason());
        Map<String, Object> body = chatObject(id, createdAt, "chat.completion", List.of(choice));
        body.put("usage", usage(request.promptTokens().length, f.tokens()));
        body.put("seed", request.sampling().seed()); // this server's addition: the seed that repeats the answer
        ok(ctx, body);
        details.put("completion_tokens", f.tokens());
        details.put("finish_reason", f.reason());
        return details;
    }

    /** The fields every chat answer and chunk has. */
    private Map<String, Object> chatObject(String id, long createdAt, String object, List<Object> choices) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", object);
        body.put("created", createdAt);
        body.put("model", modelName);
        body.put("choices", choices);
        return body;
    }

    private Map<String, Object> chunk(String id, long createdAt, Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        if (finishReason != null) choice.put("finish_reason", finishReason);
        return chatObject(id, createdAt, "chat.completion.chunk", new ArrayList<>(List.of(choice)));
    }

    // ---- the rest ----

    private Map<String, Object> models() {
        return Map.of("object", "list", "data", List.of(model(modelName)));
    }

    private Map<String, Object> model(String name) {
        if (!name.equals(modelName))
            throw new ApiException(
                    404,
                    "model_not_found",
                    "model",
                    "the model '" + name + "' does not exist here: this server serves '" + modelName + "'");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", modelName);
        body.put("object", "model");
        body.put("created", created);
        body.put("owned_by", "fasttrack");
        return body;
    }

    /** Prometheus's text format, or the same numbers as JSON for a request that accepts application/json (the notebook's client, a person). */
    private Map<String, Object> metricsPage(Context ctx) throws IOException {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/json")) return ok(ctx, metrics.snapshot());
        ServeMetrics.Scrape scrape = metrics.prometheus(accept);
        write(ctx, 200, scrape.contentType(), scrape.text());
        return null;
    }

    /** 200 while serving; 503 while draining, so a load balancer sends no more. */
    private Map<String, Object> health(Context ctx) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", draining ? "draining" : "ok");
        body.put("model", modelName);
        body.put("context", context);
        body.put("max_tokens", config.maxTokens());
        body.put("max_batch", config.maxBatch());
        body.put("running", scheduler.running());
        body.put("queue_length", scheduler.queueLength());
        write(ctx, draining ? 503 : 200, "application/json", JSON.toJson(body));
        return null;
    }

    private static Map<String, Object> ok(Context ctx, Map<String, Object> body) throws IOException {
        write(ctx, 200, "application/json", JSON.toJson(body));
        return null;
    }

    /** Writes an error answer; a client already gone is noted in the log line. */
    private static void error(Context ctx, ApiException e, Map<String, Object> line) {
        try {
            write(ctx, e.status(), "application/json", e.body().toString());
        } catch (IOException gone) {
            line.put("client_gone", true);
        }
    }

    /**
     * Writes a whole answer, with its length, before the handler returns: once every handler has
     * returned, every answer is on the wire, so a drain can stop Jetty without cutting one short.
     */
    private static void write(Context ctx, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType(contentType);
        res.setContentLength(bytes.length);
        try (java.io.OutputStream out = res.getOutputStream()) {
            out.write(bytes);
        }
    }

    private static byte[] chatPage() throws IOException {
        try (InputStream in = CompletionServer.class.getResourceAsStream("/fasttrack/serve/chat.html")) {
            if (in == null) throw new IOException("the chat page is missing from the jar: rebuild it with mvn package");
            return in.readAllBytes();
        }
    }

    /**
     * Stops the server gracefully, as on SIGTERM: /health turns 503 ("draining") and new requests get
     * 503 at once; the requests already accepted run on until they finish or {@code grace} passes, then
     * the rest end with a 503 (a stream with its error event and [DONE]); once their answers are written
     * (2 s at most), the port is freed and every thread of the server ends.
     */
    public void drain(java.time.Duration grace) {
        draining = true;
        scheduler.drain(grace);
        long end = System.nanoTime() + 2_000_000_000L;
        while (handling.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
        clients.close();
    }

    /** Stops the server now: {@link #drain} with no grace, so requests in flight end with a 503 rather than a dropped connection. */
    @Override
    public void close() {
        drain(java.time.Duration.ZERO);
    }

    @Override
    public String toString() {
        return "CompletionServer(" + uri() + ", " + modelName + ", batches of up to " + config.maxBatch() + ")";
    }
}

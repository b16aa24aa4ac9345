package fasttrack.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the server measures, in a Micrometer registry: requests by status, tokens generated (and per
 * second over the last 10 s), request latency and time to first token with their p50/p95/p99 over
 * the last 5 minutes, the batch size of each decoding step, the model's forward passes, the requests
 * running and waiting, the generations cut short (the client went away, or the timeout), and the
 * prefix cache's hits (prompts that started from a cached prefix) and the prompt tokens it saved, and
 * how many prompt tokens were read between two decoding steps while requests were generating.
 *
 * <p>The registry is Micrometer's Prometheus one, so {@code /metrics} is the Prometheus text format
 * any Prometheus server scrapes (Micrometer's names with dots become underscores, counters gain
 * {@code _total}, timers are in seconds); {@link #snapshot()} is the same numbers as one JSON object,
 * for people and notebooks.
 */
public final class ServeMetrics {

    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter tokens;
    private final Timer latency;
    private final Timer firstToken;
    private final DistributionSummary batchSize;
    private final DistributionSummary prefillPause;
    private final long started = System.nanoTime();
    private Supplier<Number> passes;
    private final ArrayDeque<Long> recentTokens = new ArrayDeque<>(); // times of the tokens of the last 10 s

    public ServeMetrics() {
        tokens = Counter.builder("tokens.generated").register(registry);
        Gauge.builder("prefix_cache.hit_rate", this, ServeMetrics::prefixHitRate)
                .register(registry);
        // Percentiles over a sliding window of about 5 minutes (five 1-minute buffers), not since start.
        latency = Timer.builder("request.latency")
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(5))
                .distributionStatisticBufferLength(5)
                .register(registry);
        firstToken = Timer.builder("request.first_token")
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(5))
                .distributionStatisticBufferLength(5)
                .register(registry);
        batchSize = DistributionSummary.builder("decode.batch_size").register(registry);
        prefillPause =
                DistributionSummary.builder("decode.prefill_pause_tokens").register(registry);
    }

    /** Reports the queue length from {@code queueLength} (read when metrics are read). */
    public void queue(Supplier<Number> queueLength) {
        Gauge.builder("queue.length", queueLength).register(registry);
    }

    /** Reports the requests in the batch from {@code running} (read when metrics are read). */
    public void running(Supplier<Number> running) {
        Gauge.builder("batch.running", running).register(registry);
    }

    /** Reports the model's passes through its weights from {@code passes} (read when metrics are read). */
    public void forwardPasses(Supplier<Number> passes) {
        this.passes = passes;
        // Micrometer holds a function counter's object weakly: `this` lives as long as the server; a bare lambda would
        // be
        // collected by the next GC, and the counter would stop counting.
        FunctionCounter.builder(
                        "model.forward_passes", this, m -> m.passes.get().doubleValue())
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A scrape: the text and its content type. */
    public record Scrape(String contentType, String text) {}

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /**
     * Everything in Prometheus's text format (version 0.0.4), or in OpenMetrics when {@code accept}
     * asks for it (as a Prometheus server does). Never the protobuf format: these are text.
     */
    public Scrape prometheus(String accept) {
        String type =
                accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS : PROMETHEUS_TEXT;
        return new Scrape(type, registry.scrape(type));
    }

    /** A request answered with {@code status} after {@code nanos}. */
    public void request(int status, long nanos) {
        registry.counter("requests", "status", Integer.toString(status)).increment();
        if (status == 200) latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A token generated; {@code firstTokenNanos} is the request's time to it when it is its first (else negative). */
    void token(long firstTokenNanos) {
        tokens.increment();
        if (firstTokenNanos >= 0) firstToken.record(firstTokenNanos, TimeUnit.NANOSECONDS);
        long now = System.nanoTime();
        synchronized (recentTokens) {
            recentTokens.addLast(now);
            while (!recentTokens.isEmpty() && now - recentTokens.peekFirst() > WINDOW_NANOS) recentTokens.removeFirst();
        }
    }

    /**
     * A generation cut short after {@code generated} tokens: {@code reason} "client" (the client went
     * away), "timeout", or "other".
     */
    void aborted(String reason, int generated) {
        registry.counter("requests.aborted", "reason", reason).increment();
        registry.counter("tokens.abandoned").increment(generated);
    }

    /** A lookup in the prefix cache: a hit when the prompt started from a cached prefix. */
    void prefixLookup(boolean hit) {
        registry.counter("prefix_cache.lookups").increment();
        if (hit) registry.counter("prefix_cache.hits").increment();
    }

    /**
     * A prompt of {@code promptTokens} whose first {@code reused} come from the prefix cache, the rest
     * computed; counted with the cache off too (all computed), so the prefill work of both can be compared.
     */
    void prefill(int reused, int promptTokens) {
        registry.counter("prefill.tokens", "source", "cache").increment(reused);
        registry.counter("prefill.tokens", "source", "computed").increment(promptTokens - reused);
    }

    /** The share of prompts that reused a cached prefix, 0 before any. */
    public double prefixHitRate() {
        double lookups = registry.counter("prefix_cache.lookups").count();
        return lookups == 0 ? 0 : registry.counter("prefix_cache.hits").count() / lookups;
    }

    /** Prompt tokens read between two decoding steps while requests were generating: how long their streams paused for prefills. */
    void prefillPause(int tokens) {
        prefillPause.record(tokens);
    }

    void batch(int size) {
        batchSize.record(size);
    }

    /** Tokens per second over the last 10 seconds (or since start, if sooner). */
    public double tokensPerSecond() {
        long now = System.nanoTime();
        synchronized (recentTokens) {
            while (!recentTokens.isEmpty() && now - recentTokens.peekFirst() > WINDOW_NANOS) recentTokens.removeFirst();
            double window = Math.min(WINDOW_NANOS, now - started) / 1e9;
            return window > 0 ? recentTokens.size() / window : 0;
        }
    }

    /** Everything, as the /metrics endpoint shows it. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Double> byStatus = new LinkedHashMap<>();
        registry.find("requests").counters().forEach(c -> byStatus.put(c.getId().getTag("status"), c.count()));
        out.put("requests", byStatus);
        out.put("tokens_generated", tokens.count());
        out.put("tokens_per_second", tokensPerSecond());
        out.put("latency_ms", percentiles(latency));
        out.put("first_token_ms", percentiles(firstToken));
        FunctionCounter passes = registry.find("model.forward_passes").functionCounter();
        out.put("forward_passes", passes == null ? 0.0 : passes.count());
        out.put("mean_batch_size", batchSize.count() == 0 ? 0.0 : batchSize.mean());
        Gauge queue = registry.find("queue.length").gauge();
        out.put("queue_length", queue == null ? 0.0 : queue.value());
        Gauge running = registry.find("batch.running").gauge();
        out.put("running", running == null ? 0.0 : running.value());
        Map<String, Double> aborted = new LinkedHashMap<>();
        registry.find("requests.aborted")
                .counters()
                .forEach(c -> aborted.put(c.getId().getTag("reason"), c.count()));
        out.put("aborted", aborted);
        Map<String, Double> prefix = new LinkedHashMap<>();
        prefix.put("lookups", registry.counter("prefix_cache.lookups").count());
        prefix.put("hits", registry.counter("prefix_cache.hits").count());
        prefix.put("hit_rate", prefixHitRate());
        prefix.put(
                "tokens_reused",
                registry.counter("prefill.tokens", "source", "cache").count());
        prefix.put(
                "tokens_computed",
                registry.counter("prefill.tokens", "source", "computed").count());
        out.put("prefix_cache", prefix);
        out.put("max_prefill_pause_tokens", prefillPause.max());
        out.put("uptime_s", Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
        return out;
    }

    private static Map<String, Double> percentiles(Timer timer) {
        Map<String, Double> out = new LinkedHashMap<>();
        HistogramSnapshot snapshot = timer.takeSnapshot();
        out.put("count", (double) snapshot.count());
        for (ValueAtPercentile p : snapshot.percentileValues())
            out.put("p" + Math.round(p.percentile() * 100), p.value(TimeUnit.MILLISECONDS));
        return out;
    }
}

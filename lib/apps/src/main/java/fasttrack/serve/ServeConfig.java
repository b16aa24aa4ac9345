package fasttrack.serve;

import java.time.Duration;

/**
 * How the server runs.
 *
 * @param keys              who may call the API
 * @param requestsPerMinute per key (a token bucket: bursts up to this many pass)
 * @param maxBodyBytes      the largest request body accepted
 * @param maxTokens         the most tokens one request may ask for
 * @param timeout           the longest a request may wait and generate; then it ends with a timeout error
 * @param maxBatch          requests decoded together in one step (1: no batching, one request at a time)
 * @param maxQueue          requests that may wait for a slot; more are refused with 503
 * @param bodyTimeout       the longest a connection may stay silent while the server reads from it: a
 *                          body that stalls this long is answered 408, idle connections are closed
 * @param prefixCache       prompts whose KV cache is kept for later prompts that begin alike (0: off)
 * @param prefillChunk      the most prompt tokens read between two decoding steps: a long prompt is read
 *                          in chunks, so the requests already generating are not paused for all of it
 */
public record ServeConfig(
        ApiKeys keys,
        int requestsPerMinute,
        int maxBodyBytes,
        int maxTokens,
        Duration timeout,
        int maxBatch,
        int maxQueue,
        Duration bodyTimeout,
        int prefixCache,
        int prefillChunk) {

    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_PREFIX_CACHE = 16;
    public static final int DEFAULT_PREFILL_CHUNK = 64;

    public ServeConfig {
        if (keys == null)
            throw new IllegalArgumentException(
                    "the server needs API keys: ApiKeys.fromEnvironment(System.getenv()) or ApiKeys.of(...)");
        if (requestsPerMinute < 1)
            throw new IllegalArgumentException("requestsPerMinute must be >= 1, got " + requestsPerMinute);
        if (maxBodyBytes < 64) throw new IllegalArgumentException("maxBodyBytes must be >= 64, got " + maxBodyBytes);
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (timeout == null || timeout.isNegative() || timeout.isZero())
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        if (maxBatch < 1)
            throw new IllegalArgumentException("maxBatch must be >= 1 (1 turns batching off), got " + maxBatch);
        if (maxQueue < 1) throw new IllegalArgumentException("maxQueue must be >= 1, got " + maxQueue);
        if (bodyTimeout == null || bodyTimeout.toMillis() < 1)
            throw new IllegalArgumentException("the body timeout must be at least 1 ms, got " + bodyTimeout);
        if (prefixCache < 0)
            throw new IllegalArgumentException("prefixCache must be >= 0 (0 turns it off), got " + prefixCache);
        if (prefillChunk < 1)
            throw new IllegalArgumentException("prefillChunk must be >= 1 token, got " + prefillChunk);
    }

    /** With the default body timeout (10 s), prefix cache (16 prompts) and prefill chunk (64 tokens). */
    public ServeConfig(
            ApiKeys keys,
            int requestsPerMinute,
            int maxBodyBytes,
            int maxTokens,
            Duration timeout,
            int maxBatch,
            int maxQueue) {
        this(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                DEFAULT_BODY_TIMEOUT,
                DEFAULT_PREFIX_CACHE,
                DEFAULT_PREFILL_CHUNK);
    }

    /** 600 requests a minute per key, 16 KB bodies, up to 256 tokens, 30 s, batches of up to 16, 64 waiting, 10 s for a body, 16 prompts cached, 64-token prefill chunks. */
    public static ServeConfig defaults(ApiKeys keys) {
        return new ServeConfig(keys, 600, 16 * 1024, 256, Duration.ofSeconds(30), 16, 64);
    }

    public ServeConfig withBatch(int maxBatch) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withRateLimit(int requestsPerMinute) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withTimeout(Duration timeout) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withQueue(int maxQueue) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withPrefixCache(int prefixCache) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withPrefillChunk(int prefillChunk) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }

    public ServeConfig withBodyTimeout(Duration bodyTimeout) {
        return new ServeConfig(
                keys,
                requestsPerMinute,
                maxBodyBytes,
                maxTokens,
                timeout,
                maxBatch,
                maxQueue,
                bodyTimeout,
                prefixCache,
                prefillChunk);
    }
}

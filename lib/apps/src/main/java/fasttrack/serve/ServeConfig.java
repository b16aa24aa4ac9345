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
 */
public record ServeConfig(ApiKeys keys, int requestsPerMinute, int maxBodyBytes, int maxTokens, Duration timeout, int maxBatch, int maxQueue, Duration bodyTimeout) {

    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);

    public ServeConfig {
        if (keys == null) throw new IllegalArgumentException("the server needs API keys: ApiKeys.fromEnvironment(System.getenv()) or ApiKeys.of(...)");
        if (requestsPerMinute < 1) throw new IllegalArgumentException("requestsPerMinute must be >= 1, got " + requestsPerMinute);
        if (maxBodyBytes < 64) throw new IllegalArgumentException("maxBodyBytes must be >= 64, got " + maxBodyBytes);
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1 (1 turns batching off), got " + maxBatch);
        if (maxQueue < 1) throw new IllegalArgumentException("maxQueue must be >= 1, got " + maxQueue);
        if (bodyTimeout == null || bodyTimeout.toMillis() < 1) throw new IllegalArgumentException("the body timeout must be at least 1 ms, got " + bodyTimeout);
    }

    /** With the default body timeout (10 s). */
    public ServeConfig(ApiKeys keys, int requestsPerMinute, int maxBodyBytes, int maxTokens, Duration timeout, int maxBatch, int maxQueue) {
        this(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, DEFAULT_BODY_TIMEOUT);
    }

    /** 600 requests a minute per key, 16 KB bodies, up to 256 tokens, 30 s, batches of up to 16, 64 waiting, 10 s for a body. */
    public static ServeConfig defaults(ApiKeys keys) {
        return new ServeConfig(keys, 600, 16 * 1024, 256, Duration.ofSeconds(30), 16, 64);
    }

    public ServeConfig withBatch(int maxBatch) {
        return new ServeConfig(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, bodyTimeout);
    }

    public ServeConfig withRateLimit(int requestsPerMinute) {
        return new ServeConfig(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, bodyTimeout);
    }

    public ServeConfig withTimeout(Duration timeout) {
        return new ServeConfig(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, bodyTimeout);
    }

    public ServeConfig withQueue(int maxQueue) {
        return new ServeConfig(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, bodyTimeout);
    }

    public ServeConfig withBodyTimeout(Duration bodyTimeout) {
        return new ServeConfig(keys, requestsPerMinute, maxBodyBytes, maxTokens, timeout, maxBatch, maxQueue, bodyTimeout);
    }
}

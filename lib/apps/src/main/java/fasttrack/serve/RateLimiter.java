package fasttrack.serve;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per minute per key, as a token bucket: each key holds up to {@code perMinute} permits,
 * refilled continuously at perMinute / 60 a second; a request takes one. A burst up to the limit
 * passes, a steady stream above it is refused with the time until the next permit.
 */
public final class RateLimiter {

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>(); // key -> {permits, last refill (ns)}

    public RateLimiter(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 1)
            throw new IllegalArgumentException(
                    "the rate limit must allow at least 1 request per minute, got " + perMinute);
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    public RateLimiter(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** Takes a permit for {@code key}: 0 when granted, else the seconds until one is free (at least 1). */
    public long tryAcquire(String key) {
        double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {perMinute, nanoClock.getAsLong()});
        synchronized (bucket) {
            long now = nanoClock.getAsLong();
            bucket[0] = Math.min(perMinute, bucket[0] + (now - bucket[1]) / 1e9 * perMinute / 60.0);
            bucket[1] = now;
            if (bucket[0] >= 1) {
                bucket[0] -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket[0]) * 60.0 / perMinute));
        }
    }

    public int perMinute() {
        return perMinute;
    }
}

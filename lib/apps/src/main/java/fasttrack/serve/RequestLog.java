package fasttrack.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One JSON line per request, whatever answered it (an endpoint, a route that does not exist, Jetty
 * refusing a malformed request), each under an id the client also gets: in the {@code X-Request-Id}
 * header, and in the message of a 500, so a user's report finds its log line. The line holds the
 * error's cause; the response never does.
 */
final class RequestLog {

    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Consumer<String> out;
    private final ServeMetrics metrics;
    private final AtomicLong ids = new AtomicLong();

    RequestLog(Consumer<String> out, ServeMetrics metrics) {
        this.out = out;
        this.metrics = metrics;
    }

    /** A new request's id and the start of its line. */
    Map<String, Object> open(String method, String path) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("request_id", "req-" + ids.incrementAndGet());
        line.put("method", method);
        line.put("path", path);
        return line;
    }

    /** A new id for a completion ({@code prefix} "cmpl", "chatcmpl"). */
    String completionId(String prefix) {
        return prefix + "-" + ids.incrementAndGet();
    }

    /** Writes {@code line} with its status, error and latency, and counts it. */
    void close(Map<String, Object> line, int status, ApiException error, long startedNanos) {
        long nanos = System.nanoTime() - startedNanos;
        line.put("status", status);
        if (error != null) {
            line.put("error", error.getMessage());
            if (error.code() != null) line.put("code", error.code());
            if (error.getCause() != null) line.put("cause", error.getCause().toString());
        }
        line.put("latency_ms", Math.round(nanos / 1e5) / 10.0);
        metrics.request(status, nanos);
        out.accept(JSON.toJson(line));
    }
}

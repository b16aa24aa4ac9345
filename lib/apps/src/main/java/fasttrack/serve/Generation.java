package fasttrack.serve;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request's generation as the scheduler runs it: a stream of events the HTTP thread reads
 * (each new token's text, then exactly one end: a finish reason or an error). Closing it cancels
 * the generation, e.g. when a streaming client goes away.
 */
public final class Generation {

    /** One event: a token's text, or the end ({@code finishReason} "length", or an error). */
    public record Event(String token, String finishReason, ApiException error) {
        public boolean isEnd() {
            return token == null;
        }
    }

    final CompletionRequest request;
    final long deadlineNanos;
    final long createdNanos = System.nanoTime();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    Generation(CompletionRequest request, long deadlineNanos) {
        this.request = request;
        this.deadlineNanos = deadlineNanos;
    }

    /** The next event, waiting for it until the request's deadline (then a timeout error). */
    public Event next() throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime() + 1_000_000_000L;   // the scheduler ends it at the deadline; this is a backstop
        Event e = events.poll(Math.max(wait, 1), java.util.concurrent.TimeUnit.NANOSECONDS);
        return e != null ? e : new Event(null, null, new ApiException(504, "timeout", "the request did not finish in time"));
    }

    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void emit(String token) {
        events.add(new Event(token, null, null));
    }

    void finish(String reason) {
        events.add(new Event(null, reason, null));
    }

    void fail(ApiException error) {
        events.add(new Event(null, null, error));
    }
}

package fasttrack.serve;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request's generation as the scheduler runs it: a stream of events the HTTP thread reads (one
 * per sampled token, with the text that may be sent for it, then exactly one end: a finish reason or
 * an error). {@link #cancel} ends it from outside (the client went away, the HTTP thread gave up): the
 * scheduler drops it at its next decoding step and ends it with the reason given.
 */
public final class Generation {

    /**
     * One event: {@code tokens} sampled at the scheduler's decoding step number {@code step} and the
     * {@code text} to send for them, or the end ({@code finishReason} "stop"/"length", or an error).
     * Step numbers show how requests interleave: two requests' tokens of one step were decoded together.
     */
    public record Event(String text, int tokens, long step, String finishReason, ApiException error) {
        public boolean isEnd() {
            return finishReason != null || error != null;
        }
    }

    final String id;
    final Decoding decoding;
    final long deadlineNanos;
    final long createdNanos = System.nanoTime();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile ApiException cancelled;
    private boolean ended;

    Generation(String id, Decoding decoding, long deadlineNanos) {
        this.id = id;
        this.decoding = decoding;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * The next event, waiting for it until the request's deadline and a second more: the scheduler
     * ends a generation at its deadline, so this is a backstop that also cancels it.
     */
    public Event next() throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime() + 1_000_000_000L;
        Event e = events.poll(Math.max(wait, 1), TimeUnit.NANOSECONDS);
        if (e != null) return e;
        ApiException timeout = new ApiException(504, "timeout", "the request did not finish within its timeout");
        cancel(timeout);
        return new Event("", 0, -1, null, timeout);
    }

    /** Asks the scheduler to drop this generation at its next step and end it with {@code reason}. */
    public void cancel(ApiException reason) {
        if (cancelled == null) cancelled = reason;
    }

    /** Why it was cancelled, or null. */
    ApiException cancelled() {
        return cancelled;
    }

    synchronized void emit(String text, int tokens, long step) {
        if (!ended) events.add(new Event(text, tokens, step, null, null));
    }

    synchronized void finish(String reason) {
        if (!ended) events.add(new Event("", 0, -1, reason, null));
        ended = true;
    }

    synchronized void fail(ApiException error) {
        if (!ended) events.add(new Event("", 0, -1, null, error));
        ended = true;
    }

    synchronized boolean ended() {
        return ended;
    }
}

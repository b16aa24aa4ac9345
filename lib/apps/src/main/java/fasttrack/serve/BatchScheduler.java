package fasttrack.serve;

import fasttrack.nn.CachedDecoder;
import fasttrack.text.Tokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous (iteration-level) batching: one worker thread owns the model and, at every step, decodes one token for each
 * running request in a single pass ({@link CachedDecoder#step}), every request with its own KV cache.
 * Requests join the batch as soon as a slot is free (after their prompt is read in) and leave when
 * done, so a long request never holds up a short one. With {@code maxBatch} 1 it serves one request
 * at a time, in order: the baseline batching is measured against. Each request samples with its own
 * seeded generator, so its tokens do not depend on what else is in the batch.
 *
 * <p>A joining request's prompt is read in chunks of at most {@code prefillChunk} tokens, one chunk
 * between two decoding steps, so a long prompt delays the running requests by a chunk at a time
 * rather than by all of it; and it starts from the longest prefix it shares with a recent prompt
 * ({@link PrefixCache}), so a shared beginning is not read again.
 *
 * <p>What can go wrong stays with the request it belongs to: a prompt whose prefill throws fails that
 * request alone; a cancelled request (its client went away) or one past its deadline leaves at the
 * next step, before another token is decoded for it, and is counted. The waiting queue is bounded
 * atomically ({@code offer}), and submitting and closing take one lock, so no request is queued after
 * the final drain that would fail it: every accepted request gets an end.
 */
public final class BatchScheduler implements AutoCloseable {

    private static final class Running {
        final Generation generation;
        final CachedDecoder decoder;
        final Random random;
        final StopSequences stops;
        int read; // prompt tokens in the cache so far
        float[] logits; // the next token's logits, once the whole prompt is read
        int generated;

        Running(Generation generation, PrefixCache.Start start) {
            this.generation = generation;
            this.decoder = start.decoder();
            this.read = start.reused();
            this.random = new Random(generation.decoding.sampling().seed());
            this.stops = new StopSequences(generation.decoding.stop());
        }
    }

    private final CachedDecoder model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final int prefillChunk;
    private final PrefixCache prefixes;
    private final ServeMetrics metrics;
    private final LinkedBlockingQueue<Generation> queue;
    private final Object admission = new Object(); // submit and close: nothing is queued once closed
    private boolean closed;
    private volatile int running;
    private final java.util.Set<Generation> unended =
            java.util.concurrent.ConcurrentHashMap.newKeySet(); // accepted, not yet ended
    private long steps;
    private final Thread worker;

    /** A scheduler reading prompts whole (no chunks, no prefix cache): the plain continuous batching. */
    public BatchScheduler(CachedDecoder model, Tokenizer tokenizer, int maxBatch, int maxQueue, ServeMetrics metrics) {
        this(model, tokenizer, maxBatch, maxQueue, model.blockSize(), 0, metrics);
    }

    /** @param prefillChunk the most prompt tokens read between two steps; @param prefixCache prompts kept for reuse (0: off) */
    public BatchScheduler(
            CachedDecoder model,
            Tokenizer tokenizer,
            int maxBatch,
            int maxQueue,
            int prefillChunk,
            int prefixCache,
            ServeMetrics metrics) {
        if (maxBatch < 1 || maxQueue < 1)
            throw new IllegalArgumentException("maxBatch and maxQueue must be >= 1, got " + maxBatch + ", " + maxQueue);
        if (prefillChunk < 1) throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.prefillChunk = prefillChunk;
        this.prefixes = new PrefixCache(prefixCache, metrics);
        this.queue = new LinkedBlockingQueue<>(maxQueue);
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "fasttrack-batch-scheduler");
        worker.setDaemon(true); // never keeps a JVM (or a notebook kernel) alive on its own
        worker.start();
    }

    /** Queues a request named {@code id} (for its log line); refuses it (503) when the queue is full or the scheduler is closed. */
    public Generation submit(String id, Decoding decoding, Duration timeout) {
        Generation g = new Generation(id, decoding, System.nanoTime() + timeout.toNanos());
        synchronized (admission) {
            if (closed)
                throw new ApiException(
                        503, "shutting_down", "the server is shutting down: retry on another instance or in a moment");
            if (!queue.offer(g)) {
                throw new ApiException(
                        503, "queue_full", queue.size() + " requests are already waiting: retry in a moment");
            }
            unended.add(g);
        }
        return g;
    }

    /** Requests waiting for a slot. */
    public int queueLength() {
        return queue.size();
    }

    /** Requests in the batch now (prefilled, decoding). */
    public int running() {
        return running;
    }

    public int maxBatch() {
        return maxBatch;
    }

    private void loop() {
        List<Running> batch = new ArrayList<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                unended.removeIf(Generation::ended);
                dropWaitingThatEnded();
                if (batch.isEmpty()) {
                    Generation g = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (g != null) admit(g, batch);
                }
                while (batch.size() < maxBatch) {
                    Generation g = queue.poll();
                    if (g == null) break;
                    admit(g, batch);
                }
                running = batch.size();
                if (!batch.isEmpty()) {
                    boolean generating = batch.stream().anyMatch(r -> r.logits != null);
                    int read = prefill(batch);
                    if (generating && read > 0) metrics.prefillPause(read);
                    try {
                        step(batch);
                    } catch (
                            RuntimeException
                                    e) { // the shared pass failed: every request in it failed with it; keep serving
                        for (Running r : batch) r.generation.fail(ApiException.serverError(r.generation.id, e));
                        batch.clear();
                    }
                }
                running = batch.size();
            }
        } catch (InterruptedException stop) {
            // close(): end what is left
        }
        for (Running r : batch)
            r.generation.fail(
                    new ApiException(503, "shutting_down", "the server stopped before this request finished"));
        running = 0;
        for (Generation g; (g = queue.poll()) != null; )
            g.fail(new ApiException(503, "shutting_down", "the server stopped before this request started"));
    }

    /** Waiting requests whose client went away or whose deadline passed leave the queue now, not when a slot frees. */
    private void dropWaitingThatEnded() {
        long now = System.nanoTime();
        for (Iterator<Generation> it = queue.iterator(); it.hasNext(); ) {
            Generation g = it.next();
            if (g.cancelled() != null) {
                it.remove();
                abort(g, g.cancelled(), 0);
            } else if (now > g.deadlineNanos) {
                it.remove();
                abort(
                        g,
                        new ApiException(
                                504,
                                "timeout",
                                "the request waited in the queue past its timeout: the server is busy, retry later"),
                        0);
            }
        }
    }

    /** Counts {@code g} by its reason, then ends it with {@code why} (counted first: its client may read the metrics as soon as it ends). */
    private void abort(Generation g, ApiException why, int generated) {
        metrics.aborted(why.status() == 499 ? "client" : why.status() == 504 ? "timeout" : "other", generated);
        g.fail(why);
    }

    /** Gives the request a slot and a cache that starts with the longest prefix of its prompt already read; its prompt is read by {@link #prefill}. */
    private void admit(Generation g, List<Running> batch) {
        if (g.cancelled() != null) {
            abort(g, g.cancelled(), 0);
            return;
        }
        if (System.nanoTime() > g.deadlineNanos) {
            abort(
                    g,
                    new ApiException(
                            504,
                            "timeout",
                            "the request waited in the queue past its timeout: the server is busy, retry later"),
                    0);
            return;
        }
        batch.add(new Running(g, prefixes.start(g.decoding.promptTokens(), model)));
    }

    /**
     * Reads at most {@code prefillChunk} prompt tokens, in one pass per request, oldest request first:
     * the requests still reading their prompts advance, the ones generating wait one chunk at most. A
     * prefill that throws fails its own request only. Returns the tokens read.
     */
    private int prefill(List<Running> batch) {
        int budget = prefillChunk;
        for (Iterator<Running> it = batch.iterator(); it.hasNext() && budget > 0; ) {
            Running r = it.next();
            int[] prompt = r.generation.decoding.promptTokens();
            if (r.logits != null || r.generation.cancelled() != null) continue;
            int n = Math.min(budget, prompt.length - r.read);
            try {
                float[][] logits = r.decoder.next(java.util.Arrays.copyOfRange(prompt, r.read, r.read + n));
                r.read += n;
                budget -= n;
                if (r.read == prompt.length) {
                    r.logits = logits[n - 1];
                    prefixes.remember(prompt, r.decoder);
                }
            } catch (RuntimeException e) {
                it.remove();
                r.generation.fail(ApiException.serverError(r.generation.id, e));
            }
        }
        return prefillChunk - budget;
    }

    /**
     * Drops requests that were cancelled or ran out of time, samples one token for every request whose prompt is read,
     * retires finished ones (a stop sequence or max tokens), and decodes the rest in one pass.
     */
    private void step(List<Running> batch) {
        List<CachedDecoder> decoders = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Running> continuing = new ArrayList<>();
        long now = System.nanoTime(), step = steps++;
        for (Iterator<Running> it = batch.iterator(); it.hasNext(); ) {
            Running r = it.next();
            Generation g = r.generation;
            if (g.cancelled() != null) {
                it.remove();
                abort(g, g.cancelled(), r.generated);
                continue;
            }
            if (now > g.deadlineNanos) {
                it.remove();
                abort(
                        g,
                        new ApiException(
                                504,
                                "timeout",
                                "generation did not finish within the timeout after " + r.generated + " tokens"),
                        r.generated);
                continue;
            }
            if (r.logits == null) continue; // still reading its prompt
            int token = g.decoding.sampling().sample(r.logits, r.random);
            r.generated++;
            metrics.token(r.generated == 1 ? (now - g.createdNanos) : -1);
            String text = r.stops.accept(tokenizer.token(token));
            if (r.stops.stopped()) {
                g.emit(text, 1, step);
                g.finish("stop");
                it.remove();
            } else if (r.generated >= g.decoding.maxTokens()) {
                g.emit(text + r.stops.flush(), 1, step);
                g.finish("length");
                it.remove();
            } else {
                g.emit(text, 1, step);
                decoders.add(r.decoder);
                tokens.add(token);
                continuing.add(r);
            }
        }
        if (decoders.isEmpty()) return;
        metrics.batch(decoders.size());
        float[][] logits = CachedDecoder.step(
                decoders, tokens.stream().mapToInt(Integer::intValue).toArray());
        for (int j = 0; j < continuing.size(); j++) continuing.get(j).logits = logits[j];
    }

    /**
     * Refuses new requests at once (503), lets the accepted ones run until they end or {@code grace}
     * passes, then stops the worker and fails (503) every request still running or waiting.
     */
    public void drain(Duration grace) {
        synchronized (admission) {
            closed = true;
        }
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end) {
            unended.removeIf(Generation::ended);
            if (unended.isEmpty()) break;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /** Refuses new requests, stops the worker and fails (503) every request still running or waiting. */
    @Override
    public void close() {
        synchronized (admission) {
            closed = true;
        }
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
        float[] logits;
        int generated;

        Running(Generation generation, CachedDecoder decoder) {
            this.generation = generation;
            this.decoder = decoder;
            this.random = new Random(generation.decoding.sampling().seed());
            this.stops = new StopSequences(generation.decoding.stop());
        }
    }

    private final CachedDecoder model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final ServeMetrics metrics;
    private final LinkedBlockingQueue<Generation> queue;
    private final Object admission = new Object();   // submit and close: nothing is queued once closed
    private boolean closed;
    private volatile int running;
    private final Thread worker;

    public BatchScheduler(CachedDecoder model, Tokenizer tokenizer, int maxBatch, int maxQueue, ServeMetrics metrics) {
        if (maxBatch < 1 || maxQueue < 1) throw new IllegalArgumentException("maxBatch and maxQueue must be >= 1, got " + maxBatch + ", " + maxQueue);
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(maxQueue);
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "fasttrack-batch-scheduler");
        worker.setDaemon(true);   // never keeps a JVM (or a notebook kernel) alive on its own
        worker.start();
    }

    /** Queues a request named {@code id} (for its log line); refuses it (503) when the queue is full or the scheduler is closed. */
    public Generation submit(String id, Decoding decoding, Duration timeout) {
        Generation g = new Generation(id, decoding, System.nanoTime() + timeout.toNanos());
        synchronized (admission) {
            if (closed) throw new ApiException(503, "shutting_down", "the server is shutting down: retry on another instance or in a moment");
            if (!queue.offer(g)) {
                throw new ApiException(503, "queue_full", queue.size() + " requests are already waiting: retry in a moment");
            }
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
                    try {
                        step(batch);
                    } catch (RuntimeException e) {   // the shared pass failed: every request in it failed with it; keep serving
                        for (Running r : batch) r.generation.fail(ApiException.serverError(r.generation.id, e));
                        batch.clear();
                    }
                }
                running = batch.size();
            }
        } catch (InterruptedException stop) {
            // close(): end what is left
        }
        for (Running r : batch) r.generation.fail(new ApiException(503, "shutting_down", "the server stopped before this request finished"));
        running = 0;
        for (Generation g; (g = queue.poll()) != null; ) g.fail(new ApiException(503, "shutting_down", "the server stopped before this request started"));
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
                abort(g, new ApiException(504, "timeout", "the request waited in the queue past its timeout: the server is busy, retry later"), 0);
            }
        }
    }

    /** Ends {@code g} with {@code why} and counts it, by its reason. */
    private void abort(Generation g, ApiException why, int generated) {
        g.fail(why);
        metrics.aborted(why.status() == 499 ? "client" : why.status() == 504 ? "timeout" : "other", generated);
    }

    /** Reads the prompt into a fresh cache (one pass over all its tokens) and adds the request to the batch; a prefill that throws fails this request only. */
    private void admit(Generation g, List<Running> batch) {
        if (g.cancelled() != null) {
            abort(g, g.cancelled(), 0);
            return;
        }
        if (System.nanoTime() > g.deadlineNanos) {
            abort(g, new ApiException(504, "timeout", "the request waited in the queue past its timeout: the server is busy, retry later"), 0);
            return;
        }
        try {
            Running r = new Running(g, model.newSequence());
            float[][] logits = r.decoder.next(g.decoding.promptTokens());
            r.logits = logits[logits.length - 1];
            batch.add(r);
        } catch (RuntimeException e) {
            g.fail(ApiException.serverError(g.id, e));
        }
    }

    /**
     * Drops requests that were cancelled or ran out of time, samples one token for every other request in the batch,
     * retires finished ones (a stop sequence or max tokens), and decodes the rest in one pass.
     */
    private void step(List<Running> batch) {
        List<CachedDecoder> decoders = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Running> continuing = new ArrayList<>();
        long now = System.nanoTime();
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
                abort(g, new ApiException(504, "timeout", "generation did not finish within the timeout after " + r.generated + " tokens"), r.generated);
                continue;
            }
            int token = g.decoding.sampling().sample(r.logits, r.random);
            r.generated++;
            metrics.token(r.generated == 1 ? (now - g.createdNanos) : -1);
            String text = r.stops.accept(tokenizer.token(token));
            if (r.stops.stopped()) {
                g.emit(text, 1);
                g.finish("stop");
                it.remove();
            } else if (r.generated >= g.decoding.maxTokens()) {
                g.emit(text + r.stops.flush(), 1);
                g.finish("length");
                it.remove();
            } else {
                g.emit(text, 1);
                decoders.add(r.decoder);
                tokens.add(token);
                continuing.add(r);
            }
        }
        if (decoders.isEmpty()) return;
        metrics.batch(decoders.size());
        float[][] logits = CachedDecoder.step(decoders, tokens.stream().mapToInt(Integer::intValue).toArray());
        for (int j = 0; j < continuing.size(); j++) continuing.get(j).logits = logits[j];
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

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
 */
public final class BatchScheduler implements AutoCloseable {

    private static final class Running {
        final Generation generation;
        final CachedDecoder decoder;
        final Random random;
        float[] logits;
        int generated;

        Running(Generation generation, CachedDecoder decoder) {
            this.generation = generation;
            this.decoder = decoder;
            this.random = new Random(generation.request.sampling().seed());
        }
    }

    private final CachedDecoder model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final int maxQueue;
    private final ServeMetrics metrics;
    private final LinkedBlockingQueue<Generation> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;

    public BatchScheduler(CachedDecoder model, Tokenizer tokenizer, int maxBatch, int maxQueue, ServeMetrics metrics) {
        if (maxBatch < 1 || maxQueue < 1) throw new IllegalArgumentException("maxBatch and maxQueue must be >= 1, got " + maxBatch + ", " + maxQueue);
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.maxQueue = maxQueue;
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "fasttrack-batch-scheduler");
        worker.setDaemon(true);   // never keeps a JVM (or a notebook kernel) alive on its own
        worker.start();
    }

    /** Queues a request; refuses it (503) when {@code maxQueue} are already waiting. */
    public Generation submit(CompletionRequest request, Duration timeout) {
        if (!running) throw new ApiException(503, "unavailable", "the server is shutting down");
        if (queue.size() >= maxQueue) {
            throw new ApiException(503, "overloaded", queue.size() + " requests are already waiting: retry in a moment");
        }
        Generation g = new Generation(request, System.nanoTime() + timeout.toNanos());
        queue.add(g);
        return g;
    }

    /** Requests waiting for a slot. */
    public int queueLength() {
        return queue.size();
    }

    public int maxBatch() {
        return maxBatch;
    }

    private void loop() {
        List<Running> batch = new ArrayList<>();
        while (running) {
            try {
                if (batch.isEmpty()) {
                    Generation g = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (g != null) admit(g, batch);
                }
                while (batch.size() < maxBatch) {
                    Generation g = queue.poll();
                    if (g == null) break;
                    admit(g, batch);
                }
                if (!batch.isEmpty()) step(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {   // a bug must not leave clients waiting: fail what is running, keep serving
                for (Running r : batch) r.generation.fail(new ApiException(500, "server_error", "generation failed: " + e));
                batch.clear();
            }
        }
        for (Running r : batch) r.generation.fail(new ApiException(503, "unavailable", "the server stopped"));
        for (Generation g : queue) g.fail(new ApiException(503, "unavailable", "the server stopped"));
    }

    /** Reads the prompt into a fresh cache (one pass over all its tokens) and adds the request to the batch. */
    private void admit(Generation g, List<Running> batch) {
        if (g.cancelled()) return;
        if (System.nanoTime() > g.deadlineNanos) {
            g.fail(new ApiException(504, "timeout", "the request waited in the queue past its timeout: the server is busy, retry later"));
            return;
        }
        Running r = new Running(g, model.newSequence());
        float[][] logits = r.decoder.next(g.request.promptTokens());
        r.logits = logits[logits.length - 1];
        batch.add(r);
    }

    /** Samples one token for every request in the batch, retires finished ones, and decodes the rest in one pass. */
    private void step(List<Running> batch) {
        List<CachedDecoder> decoders = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Running> continuing = new ArrayList<>();
        long now = System.nanoTime();
        for (Iterator<Running> it = batch.iterator(); it.hasNext(); ) {
            Running r = it.next();
            if (r.generation.cancelled()) { it.remove(); continue; }
            if (now > r.generation.deadlineNanos) {
                r.generation.fail(new ApiException(504, "timeout", "generation did not finish within the timeout after " + r.generated + " tokens"));
                it.remove();
                continue;
            }
            int token = r.generation.request.sampling().sample(r.logits, r.random);
            r.generated++;
            metrics.token(r.generated == 1 ? (now - r.generation.createdNanos) : -1);
            r.generation.emit(tokenizer.token(token));
            if (r.generated >= r.generation.request.maxTokens()) {
                r.generation.finish("length");
                it.remove();
            } else {
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

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

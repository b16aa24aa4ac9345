package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import fasttrack.generate.Sampling;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scheduler under faults and races: a prefill that throws harms no other request, the queue's
 * bound holds when many threads submit at once, and a submit racing close() never leaves a request
 * that no one will end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private NDManager nd;
    private CachedDecoder decoder;
    private final ExecutorService readers = Executors.newCachedThreadPool();

    @BeforeAll
    void build() {
        nd = Setup.manager().newSubManager();
        Gpt model = ServeFixtures.slowModel(nd, 47);
        decoder = CachedDecoder.of(model);
    }

    @AfterAll
    void free() {
        readers.shutdownNow();
        nd.close();
    }

    private static Decoding decoding(String prompt, int tokens, long seed) {
        return new Decoding(TOKENIZER.encode(prompt), tokens, Sampling.temperature(1.0, seed), List.of());
    }

    /** Reads {@code g} to its end (failing if no end comes within 5 s): the text, and the end event. */
    private record Ended(String text, int tokens, Generation.Event end) {}

    private Ended readToEnd(Generation g) throws Exception {
        Future<Ended> f = readers.submit(() -> {
            StringBuilder text = new StringBuilder();
            int tokens = 0;
            for (Generation.Event e = g.next(); ; e = g.next()) {
                if (e.isEnd()) return new Ended(text.toString(), tokens, e);
                text.append(e.text());
                tokens += e.tokens();
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPrefillThatThrowsFailsOnlyItsOwnRequest() throws Exception {
        ServeMetrics metrics = new ServeMetrics();
        try (BatchScheduler scheduler = new BatchScheduler(decoder, TOKENIZER, 4, 8, metrics)) {
            Generation alone = scheduler.submit("req-1", decoding("And", 120, 1), TIMEOUT);
            String expected = readToEnd(alone).text();

            Generation running = scheduler.submit("req-2", decoding("And", 120, 1), TIMEOUT);
            String first = running.next().text(); // the first request is generating
            // The fault: a token id the model does not have, so its prefill throws inside the scheduler's thread.
            Generation faulty = scheduler.submit(
                    "req-3",
                    new Decoding(new int[] {1, TOKENIZER.vocabSize() + 5}, 10, Sampling.greedy(), List.of()),
                    TIMEOUT);
            Ended failed = readToEnd(faulty);
            ApiException error = failed.end().error();
            assertEquals(500, error.status());
            assertEquals("server_error", error.type());
            assertTrue(
                    error.getMessage().contains("error id req-3"),
                    "the message names the request's log line: " + error.getMessage());
            assertFalse(
                    error.getMessage().contains("outside the vocabulary"),
                    "and holds no exception text: " + error.getMessage());
            assertTrue(
                    error.getCause().getMessage().contains("outside the vocabulary"), "the cause is kept for the log");

            Ended survivor = readToEnd(running);
            assertNull(survivor.end().error(), "the running request was not touched");
            assertEquals("length", survivor.end().finishReason());
            assertEquals(expected, first + survivor.text(), "and its text is what it is alone");
            assertEquals(
                    "length",
                    readToEnd(scheduler.submit("req-4", decoding("God", 5, 2), TIMEOUT))
                            .end()
                            .finishReason(),
                    "the scheduler serves on");
        }
    }

    @Test
    void theQueueBoundHoldsWhenManyThreadsSubmitAtOnce() throws Exception {
        int maxQueue = 8, threads = 32;
        try (BatchScheduler scheduler = new BatchScheduler(decoder, TOKENIZER, 1, maxQueue, new ServeMetrics())) {
            Generation busy = scheduler.submit("req-0", decoding("And", 240, 1), TIMEOUT);
            busy.next(); // the only slot is taken: nothing leaves the queue while the threads submit
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger refused = new AtomicInteger();
            List<Generation> accepted = new CopyOnWriteArrayList<>();
            List<Future<?>> submitters = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    submitters.add(pool.submit(() -> {
                        go.await();
                        try {
                            accepted.add(scheduler.submit("req-" + (id + 1), decoding("God", 3, id), TIMEOUT));
                        } catch (ApiException e) {
                            assertEquals(503, e.status());
                            assertEquals("queue_full", e.code());
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : submitters) f.get(10, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(maxQueue, accepted.size(), "exactly the queue's room was accepted");
            assertEquals(threads - maxQueue, refused.get());
            assertEquals(maxQueue, scheduler.queueLength());
            busy.cancel(new ApiException(499, "client_closed", "done with it"));
            for (Generation g : accepted)
                assertEquals("length", readToEnd(g).end().finishReason(), "each accepted request is served");
        }
    }

    @Test
    void aSubmitRacingCloseIsEitherRefusedOrEnded() throws Exception {
        for (int round = 0; round < 5; round++) {
            BatchScheduler scheduler = new BatchScheduler(decoder, TOKENIZER, 2, 64, new ServeMetrics());
            List<Generation> accepted = new CopyOnWriteArrayList<>();
            AtomicInteger refusedAfterClose = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> submitters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                submitters.add(pool.submit(() -> {
                    for (int i = 0; ; i++) {
                        try {
                            accepted.add(scheduler.submit("req-" + id + "-" + i, decoding("And", 4, i), TIMEOUT));
                        } catch (ApiException e) {
                            if (e.code().equals("shutting_down")) {
                                refusedAfterClose.incrementAndGet();
                                return null;
                            }
                            Thread.onSpinWait(); // queue_full: try again
                        }
                    }
                }));
            }
            Thread.sleep(30 + 20 * round);
            scheduler.close();
            for (Future<?> f : submitters) f.get(10, TimeUnit.SECONDS);
            pool.shutdownNow();
            assertEquals(4, refusedAfterClose.get(), "every submitter was refused once closed");
            for (Generation g : accepted) {
                Generation.Event end = readToEnd(g).end();
                assertTrue(
                        end.finishReason() != null || end.error().code().equals("shutting_down"),
                        "finished, or failed by the close: " + end);
            }
            ApiException late =
                    assertThrows(ApiException.class, () -> scheduler.submit("late", decoding("And", 4, 0), TIMEOUT));
            assertEquals(503, late.status());
        }
    }
}

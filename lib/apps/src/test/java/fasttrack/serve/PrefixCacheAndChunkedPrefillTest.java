package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.TOKENIZER;
import static fasttrack.serve.ServeFixtures.body;
import static fasttrack.serve.ServeFixtures.post;
import static fasttrack.serve.ServeFixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import fasttrack.generate.Sampling;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A shared prompt prefix is read once and reused, bounded, with the same tokens bit for bit; a long
 * prompt is read in chunks between decoding steps, so requests already generating pause for one chunk
 * at most.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrefixCacheAndChunkedPrefillTest {

    private static final String PREAMBLE =
            "In the beginning God created the heaven and the earth. And the earth was without form, and void; ";

    private NDManager nd;
    private Gpt model;

    @BeforeAll
    void build() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.slowModel(nd, 61);
    }

    @AfterAll
    void free() {
        nd.close();
    }

    @Test
    void aForkedCacheGivesTheLogitsOfReadingItsPrefixAgainBitForBit() {
        int[] prompt = TOKENIZER.encode(PREAMBLE + "and darkness");
        CachedDecoder whole = CachedDecoder.of(model);
        float[][] expected = whole.next(prompt);
        for (int at : new int[] {1, 17, prompt.length - 1}) {
            CachedDecoder fork = whole.fork(at);
            assertEquals(at, fork.length());
            float[][] rest = fork.next(Arrays.copyOfRange(prompt, at, prompt.length));
            for (int i = 0; i < rest.length; i++)
                assertArrayEquals(expected[at + i], rest[i], "position " + (at + i) + " after a fork at " + at);
        }
    }

    @Test
    void aSharedPrefixIsReadOnceAndTheTextsAreTheSameBitForBit() throws Exception {
        List<String> bodies = List.of(
                body(PREAMBLE + "and darkness", 30, 0.0, 1L, false),
                body(PREAMBLE + "and the deep", 30, 1.0, 2L, false), // shares the preamble and "and "
                body(PREAMBLE + "and darkness", 30, 0.0, 1L, false), // shares all but its last token
                body("And God said", 30, 0.9, 3L, false)); // shares nothing
        List<List<String>> texts = new ArrayList<>();
        JsonObject cached = null, uncached = null;
        for (int entries : new int[] {16, 0}) {
            try (CompletionServer server = CompletionServer.start(
                    model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)).withPrefixCache(entries), 0, line -> {})) {
                List<String> out = new ArrayList<>();
                for (String b : bodies) out.add(text(post(server, KEY, b)));
                texts.add(out);
                JsonObject prefix = ServeFixtures.metricsJson(server).getAsJsonObject("prefix_cache");
                if (entries > 0) cached = prefix;
                else uncached = prefix;
            }
        }
        assertEquals(texts.get(1), texts.get(0), "with and without the prefix cache, the same texts");
        assertEquals(
                ServeFixtures.greedy(model, PREAMBLE + "and darkness", 30),
                texts.get(0).get(0),
                "and greedy decoding alone agrees");
        int preamble = PREAMBLE.length(), full = (PREAMBLE + "and darkness").length();
        assertEquals(4.0, cached.get("lookups").getAsDouble());
        assertEquals(2.0, cached.get("hits").getAsDouble(), cached.toString());
        assertEquals(0.5, cached.get("hit_rate").getAsDouble());
        assertEquals(
                preamble + 4 + (full - 1),
                cached.get("tokens_reused").getAsDouble(),
                0.0,
                "the preamble and 'and ' once, then all of the repeated prompt but its last token");
        int promptTokens = 3 * full + "And God said".length();
        assertEquals(
                promptTokens - cached.get("tokens_reused").getAsDouble(),
                cached.get("tokens_computed").getAsDouble(),
                0.0,
                "the rest computed");
        assertEquals(
                promptTokens,
                uncached.get("tokens_computed").getAsDouble(),
                0.0,
                "without the cache every prompt token is computed, and counted");
        assertEquals(0.0, uncached.get("lookups").getAsDouble(), "and nothing is looked up");
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedPromptsUpToItsCapacity() {
        ServeMetrics metrics = new ServeMetrics();
        PrefixCache cache = new PrefixCache(2, metrics);
        CachedDecoder base = CachedDecoder.of(model);
        int[] a = TOKENIZER.encode("And God said"),
                b = TOKENIZER.encode("In the beginning"),
                c = TOKENIZER.encode("darkness was upon");
        for (int[] p : List.of(a, b)) {
            CachedDecoder d = cache.start(p, base).decoder();
            d.next(p);
            cache.remember(p, d);
        }
        assertEquals(
                10,
                cache.start(TOKENIZER.encode("And God saw"), base).reused(),
                "'And God sa' is cached: 10 tokens reused");
        CachedDecoder d = cache.start(c, base).decoder();
        d.next(c);
        cache.remember(c, d); // over capacity: "In the beginning" was used least recently
        assertEquals(2, cache.size());
        assertEquals(0, cache.start(TOKENIZER.encode("In the end"), base).reused(), "evicted");
        assertEquals(11, cache.start(a, base).reused(), "kept, less its last token (its logits are always computed)");
        assertEquals(0, new PrefixCache(0, metrics).start(a, base).reused(), "capacity 0: off");
    }

    /**
     * Notebook 19's accounting still holds with the prefix cache and chunks on (the defaults): a prompt
     * no longer than a chunk costs one forward pass, a step one more, whatever it carries.
     */
    @Test
    void aShortPromptStillCostsOneForwardPassAndEachStepOne() throws Exception {
        try (CompletionServer server =
                CompletionServer.start(model, TOKENIZER, ServeConfig.defaults(ApiKeys.of(KEY)), 0, line -> {})) {
            var sizes = server.metrics().registry().find("decode.batch_size").summary();
            var passes =
                    server.metrics().registry().find("model.forward_passes").functionCounter();
            LoadTest.Result r = LoadTest.run(new CompletionClient(server.uri(), KEY), 4, 3, "And God said", 12, 0.8);
            assertEquals(12, r.requests());
            assertEquals(11L * r.requests(), (long) sizes.totalAmount(), "one decoded row per token after the first");
            assertEquals(
                    r.requests() + sizes.count(),
                    (long) passes.count(),
                    "one pass per prefill (the cache serves all but the last token) and one per step");
            // The first prompts of the 4 clients may arrive together, before any is cached; every later one is a hit.
            assertTrue(
                    server.metrics().prefixHitRate() >= (r.requests() - 4.0) / r.requests(),
                    "prompts started from the cache: " + server.metrics().prefixHitRate());
        }
    }

    /** The largest number of prompt tokens read between two steps while a request was generating, for a long prompt joining one. */
    private double largestPause(int prefillChunk) throws Exception {
        ServeMetrics metrics = new ServeMetrics();
        try (BatchScheduler scheduler =
                new BatchScheduler(CachedDecoder.of(model), TOKENIZER, 4, 4, prefillChunk, 0, metrics)) {
            Generation running = scheduler.submit(
                    "req-1",
                    new Decoding(TOKENIZER.encode("And"), 240, Sampling.temperature(1.0, 1), List.of()),
                    Duration.ofSeconds(30));
            running.next(); // generating
            int[] longPrompt = TOKENIZER.encode((PREAMBLE + PREAMBLE + PREAMBLE).substring(0, 200));
            Generation joining = scheduler.submit(
                    "req-2", new Decoding(longPrompt, 5, Sampling.greedy(), List.of()), Duration.ofSeconds(30));
            StringBuilder text = new StringBuilder();
            for (Generation.Event e = joining.next(); !e.isEnd(); e = joining.next()) text.append(e.text());
            assertEquals(
                    ServeFixtures.greedy(model, (PREAMBLE + PREAMBLE + PREAMBLE).substring(0, 200), 5),
                    text.toString(),
                    "chunk " + prefillChunk + ": read in chunks, the same answer");
            running.cancel(new ApiException(499, "client_closed", "done"));
            return metrics.registry()
                    .find("decode.prefill_pause_tokens")
                    .summary()
                    .max();
        }
    }

    @Test
    void aLongPromptIsReadInChunksSoRunningRequestsPauseForOneChunkAtMost() throws Exception {
        assertEquals(
                16.0, largestPause(16), "a 200-token prompt read 16 tokens between two steps of the running request");
        assertEquals(200.0, largestPause(256), "unchunked, the running request waits for all 200");
    }
}

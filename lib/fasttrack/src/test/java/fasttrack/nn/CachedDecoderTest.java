package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.sun.management.ThreadMXBean;
import fasttrack.generate.Generator;
import fasttrack.generate.Sampling;
import fasttrack.runtime.Setup;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CachedDecoder's behaviour; its numbers against the engine's forward are {@link CachedDecoderEquivalenceTest}'s. */
class CachedDecoderTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(5);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void generationWithItPicksTheEnginesTokens() {
        Gpt model = new Gpt(new GptConfig(20, 12, 2, 2, 16, 0f, false)).initialize(nd);
        // Larger weights than the N(0, 0.02²) start, so logits are far apart and greedy choices are not near-ties.
        for (var p : model.getParameters()) {
            if (p.getValue().getArray().getShape().dimension() == 2) {
                try (NDArray w = p.getValue().getArray().stopGradient()) {
                    w.muli(20);
                }
            }
        }
        Generator generator = new Generator(model, nd);
        int[] plain = generator.generate(
                new int[] {1, 2, 3}, 30, Sampling.greedy(), false); // through the engine, past the window of 12
        int[] cached = generator.generate(new int[] {1, 2, 3}, 30, Sampling.greedy(), true); // through the decoder
        assertArrayEquals(plain, cached);
    }

    @Test
    void badTokensAndAFullContextAreRefused() {
        Gpt model = new Gpt(new GptConfig(20, 4, 1, 2, 8, 0f, false)).initialize(nd);
        CachedDecoder decoder = CachedDecoder.of(model);
        var outside = assertThrows(IllegalArgumentException.class, () -> decoder.next(20));
        assertTrue(outside.getMessage().contains("outside the vocabulary 0..19"), outside.getMessage());
        for (int i = 0; i < 4; i++) decoder.next(i);
        var full = assertThrows(IllegalStateException.class, () -> decoder.next(1));
        assertTrue(full.getMessage().contains("clear it first"), full.getMessage());
        decoder.clear();
        assertEquals(0, decoder.length());
        decoder.next(1);
    }

    /** The hot path of generation reuses its work rows and logits array: nothing per token for the garbage collector. */
    @Test
    void decodingATokenAllocatesNothing() {
        CachedDecoder decoder = CachedDecoder.of(new Gpt(new GptConfig(20, 64, 2, 2, 16, 0f, false)).initialize(nd));
        for (int i = 0; i < 32; i++) decoder.next(i % 20); // first calls load classes, which allocates
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        // The least of three rounds: a one-time allocation (a class initialised, a compiled method's first run)
        // lands in one round; a per-token one in every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            decoder.clear();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 32; i++) decoder.next(i % 20);
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(
                allocated < 256,
                allocated + " bytes allocated for 32 tokens (a fresh logits array each would be 3 KB)");
    }

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.0, FeedForward.Activation.erf(0), 1e-7);
        assertEquals(0.8427007929497149, FeedForward.Activation.erf(1), 2e-7);
        assertEquals(-0.9953222650189527, FeedForward.Activation.erf(-2), 2e-7);
        assertEquals(0.9999779095030014, FeedForward.Activation.erf(3), 2e-7);
    }
}

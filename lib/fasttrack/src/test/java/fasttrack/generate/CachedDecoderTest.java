package fasttrack.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.lora.LoraAdapters;
import fasttrack.lora.LoraConfig;
import fasttrack.lora.LoraLinear;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachedDecoderTest {

    private NDManager nd;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Setup.seed(5);
        nd = Setup.manager().newSubManager();
        ps = new ParameterStore(nd, false);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** Largest |decoder − engine| over every position's logits, feeding {@code tokens} one at a time. */
    private float worstDifference(Gpt model, long[] tokens) {
        NDArray full = model.logits(ps, nd.create(tokens, new Shape(1, tokens.length)), false);
        float[] expected = full.toFloatArray();
        int vocab = model.config().vocabSize();
        CachedDecoder decoder = CachedDecoder.of(model);
        float worst = 0;
        for (int t = 0; t < tokens.length; t++) {
            float[] logits = decoder.next((int) tokens[t]);
            for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(logits[v] - expected[t * vocab + v]));
        }
        assertEquals(tokens.length, decoder.length());
        return worst;
    }

    @Test
    void itComputesTheEnginesLogitsAtEveryPosition() {
        for (boolean tied : new boolean[] {false, true}) {
            Gpt model = new Gpt(new GptConfig(30, 16, 3, 4, 32, 0.1f, tied)).initialize(nd);
            float worst = worstDifference(model, new long[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 29});
            assertTrue(worst < 1e-4, "tied " + tied + ": worst difference " + worst);
        }
    }

    /** An unmerged adapter counts as W + (α/r)·B·A, as the engine's forward computes it. */
    @Test
    void itIncludesUnmergedLoraAdapters() {
        Gpt model = new Gpt(new GptConfig(30, 16, 2, 2, 16, 0f, false)).initialize(nd);
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.allLinear(2, 4));
        for (LoraLinear layer : adapters.layers().values()) {
            try (NDArray b = layer.b().stopGradient()) {
                b.addi(nd.randomNormal(0, 0.5f, b.getShape(), b.getDataType()));   // B = 0 would make the adapters invisible
            }
        }
        long[] tokens = {1, 2, 3, 4, 5, 6, 7, 8};
        float unmerged = worstDifference(model, tokens);
        adapters.merge();
        float merged = worstDifference(model, tokens);
        assertTrue(unmerged < 1e-4 && merged < 1e-4, "unmerged " + unmerged + ", merged " + merged);
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
        int[] plain = generator.generate(new int[] {1, 2, 3}, 30, Sampling.greedy(), false);   // through the engine, past the window of 12
        int[] cached = generator.generate(new int[] {1, 2, 3}, 30, Sampling.greedy(), true);   // through the decoder
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

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.0, CachedDecoder.erf(0), 1e-7);
        assertEquals(0.8427007929497149, CachedDecoder.erf(1), 2e-7);
        assertEquals(-0.9953222650189527, CachedDecoder.erf(-2), 2e-7);
        assertEquals(0.9999779095030014, CachedDecoder.erf(3), 2e-7);
    }
}

package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.generate.Generator;
import fasttrack.generate.Sampling;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GptTest {

    private NDManager nd;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Setup.seed(11);
        nd = Setup.manager().newSubManager();
        ps = new ParameterStore(nd, false);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void parameterCountsMatchTheFormulaTiedOrNot() {
        for (boolean tied : new boolean[] {false, true}) {
            GptConfig config = new GptConfig(64, 32, 2, 4, 32, 0.1f, tied);
            Gpt model = new Gpt(config).initialize(nd);
            assertEquals(config.parameterCount(), model.parameterCount(), "tied " + tied);
        }
        assertEquals(
                826_112,
                GptConfig.cpu(64).parameterCount(),
                "the CPU reference: 4 x 198,272 + 64·128 x 2 + 128·128 + 256");
    }

    @Test
    void logitsHaveOneRowPerPositionAndCannotSeeTheFuture() {
        Gpt model = new Gpt(new GptConfig(20, 16, 2, 2, 16, 0f, true)).initialize(nd);
        NDArray ids = nd.create(new long[] {1, 5, 7, 3, 9, 2}, new Shape(1, 6));
        NDArray changed = nd.create(new long[] {1, 5, 7, 3, 19, 0}, new Shape(1, 6));
        NDArray a = model.logits(ps, ids, false), b = model.logits(ps, changed, false);
        assertEquals(new Shape(1, 6, 20), a.getShape());
        assertTrue(
                a.get("0, :4").sub(b.get("0, :4")).abs().max().getFloat() < 1e-5,
                "positions before the change are unaffected");
        assertTrue(a.get("0, 4:").sub(b.get("0, 4:")).abs().max().getFloat() > 1e-4);
        var tooLong =
                assertThrows(IllegalArgumentException.class, () -> model.logits(ps, nd.zeros(new Shape(1, 17)), false));
        assertTrue(tooLong.getMessage().contains("exceed the context of 16"), tooLong.getMessage());
    }

    /** The cached forward, one token at a time, gives the logits of the full forward at every position. */
    @Test
    void theKvCacheReproducesTheFullForward() {
        Gpt model = new Gpt(new GptConfig(20, 16, 3, 2, 16, 0.1f, false)).initialize(nd);
        long[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        NDArray full = model.logits(ps, nd.create(tokens, new Shape(1, tokens.length)), false);
        try (KvCache cache = new KvCache(nd, 3)) {
            NDArray prefill = model.logitsCached(ps, nd.create(new long[] {3, 1, 4}, new Shape(1, 3)), cache);
            assertTrue(prefill.sub(full.get(":, :3")).abs().max().getFloat() < 1e-5, "a 3-token prefill");
            for (int t = 3; t < tokens.length; t++) {
                NDArray step = model.logitsCached(ps, nd.create(new long[] {tokens[t]}, new Shape(1, 1)), cache);
                assertTrue(
                        step.get("0, 0").sub(full.get("0, {}", t)).abs().max().getFloat() < 1e-5, "position " + t);
            }
            assertEquals(tokens.length, cache.length());
        }
    }

    /** Greedy decoding with and without the cache picks the same tokens, also once the context window slides. */
    @Test
    void greedyTokensAreTheSameWithAndWithoutTheCache() {
        Gpt model = new Gpt(new GptConfig(20, 12, 2, 2, 16, 0f, false)).initialize(nd);
        Generator generator = new Generator(model, nd);
        int[] prompt = {1, 2, 3};
        int[] plain = generator.generate(prompt, 25, Sampling.greedy(), false); // 28 tokens > block of 12
        int[] cached = generator.generate(prompt, 25, Sampling.greedy(), true);
        assertArrayEquals(plain, cached);
        int[] sampledA = generator.generate(prompt, 20, new Sampling(1.0, 5, 0.9, 42), true);
        int[] sampledB = generator.generate(prompt, 20, new Sampling(1.0, 5, 0.9, 42), false);
        assertArrayEquals(sampledA, sampledB, "the same seed gives the same sample, cache or not");
        assertThrows(
                IllegalArgumentException.class, () -> generator.generate(new int[] {25}, 5, Sampling.greedy(), true));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(new int[0], 5, Sampling.greedy(), true));
    }

    @Test
    void theGpuAndCpuConfigsAreValid() {
        assertEquals(6, GptConfig.gpu(64).layers());
        assertTrue(GptConfig.gpu(64).parameterCount() > 10_000_000);
    }

    /** The notebooks' shapes as a preset plus named changes: each equals the seven numbers it replaced. */
    @Test
    void namedChangesBuildTheSameConfigAsAllSevenNumbers() {
        assertEquals(
                new GptConfig(65, 32, 2, 2, 32, 0f, false),
                GptConfig.cpu(65)
                        .withBlockSize(32)
                        .withLayers(2)
                        .withHeads(2)
                        .withEmbedDim(32)
                        .withDropout(0f));
        assertEquals(
                new GptConfig(500, 32, 1, 2, 32, 0f, false),
                GptConfig.cpu(500)
                        .withBlockSize(32)
                        .withLayers(1)
                        .withHeads(2)
                        .withEmbedDim(32)
                        .withDropout(0f));
        assertEquals(
                new GptConfig(300, 64, 2, 4, 128, 0.1f, false),
                GptConfig.cpu(300).withBlockSize(64).withLayers(2));
        assertEquals(
                new GptConfig(65, 64, 2, 4, 64, 0.1f, false),
                GptConfig.cpu(65).withBlockSize(64).withLayers(2).withEmbedDim(64));
        assertEquals(
                new GptConfig(65, 64, 2, 4, 64, 0f, false),
                GptConfig.cpu(65)
                        .withBlockSize(64)
                        .withLayers(2)
                        .withEmbedDim(64)
                        .withDropout(0f));
        assertEquals(
                new GptConfig(65, 32, 1, 2, 16, 0f, false),
                GptConfig.cpu(65)
                        .withBlockSize(32)
                        .withLayers(1)
                        .withHeads(2)
                        .withEmbedDim(16)
                        .withDropout(0f));
        assertEquals(
                new GptConfig(65, 8, 1, 1, 8, 0f, false),
                GptConfig.cpu(65)
                        .withBlockSize(8)
                        .withLayers(1)
                        .withHeads(1)
                        .withEmbedDim(8)
                        .withDropout(0f));
        GptConfig kjv = GptConfig.cpu(65).withDropout(0f);
        assertEquals(new GptConfig(65, 128, 2, 4, 128, 0f, false), kjv.withLayers(2));
        for (int[] s : new int[][] {{1, 16}, {1, 24}, {1, 32}, {2, 32}, {2, 48}, {2, 64}, {3, 64}, {3, 96}, {4, 128}}) {
            int heads = s[1] >= 48 ? 4 : 2;
            assertEquals(
                    new GptConfig(65, 32, s[0], heads, s[1], 0f, false),
                    GptConfig.cpu(65)
                            .withBlockSize(32)
                            .withLayers(s[0])
                            .withHeads(heads)
                            .withEmbedDim(s[1])
                            .withDropout(0f));
        }
        assertEquals(new GptConfig(50257, 2048, 32, 32, 4096, 0f, true), GptConfig.gpt3_6_7B());
        assertEquals(6_658_404_352L, GptConfig.gpt3_6_7B().parameterCount(), "GPT-3 6.7B's shape");
        assertEquals(new GptConfig(32_000, 4096, 32, 32, 4096, 0f, false), GptConfig.llama2_7B());
        assertEquals(6_723_084_288L, GptConfig.llama2_7B().parameterCount(), "Llama 2 7B's dimensions as a GPT");
        assertEquals(
                FeedForward.Activation.GELU_TANH,
                GptConfig.gpt2Small()
                        .withLayers(2)
                        .withHeads(4)
                        .withEmbedDim(64)
                        .withBlockSize(64)
                        .activation(),
                "a change keeps everything else, the activation included");
        var notDivisible = assertThrows(
                IllegalArgumentException.class, () -> GptConfig.cpu(65).withEmbedDim(30));
        assertTrue(
                notDivisible.getMessage().contains("embedDim 30 is not divisible by heads 4"),
                notDivisible.getMessage());
    }

    /**
     * The inference calls give exactly what the ParameterStore calls give with training off (dropout
     * 0.1 here, so training on would differ), and leave nothing in the caller's manager but the
     * arrays they return, call after call; the model's own manager gains nothing either.
     */
    @Test
    void inferenceCallsEqualTheParameterStoreCallsAndLeaveOnlyTheirResults() {
        for (boolean tied : new boolean[] {false, true}) {
            Gpt model = new Gpt(new GptConfig(20, 16, 2, 2, 16, 0.1f, tied)).initialize(nd);
            try (NDManager caller = nd.newSubManager()) {
                NDArray ids = caller.create(
                        new int[] {1, 5, 7, 3, 9, 2, 0, 19, 4, 4}, new Shape(2, 5)); // int32: the forward casts them
                NDArray expected = model.logits(ps, ids, false);
                NDList expectedMaps = model.logitsWithAttention(ps, ids);
                expected.attach(nd);
                expectedMaps.attach(nd);
                caller.getManagedArrays().stream()
                        .filter(a -> a != ids)
                        .forEach(NDArray::close); // what the ParameterStore calls left behind
                assertEquals(1, caller.getManagedArrays().size(), "only the ids are left");
                int inModel = nd.getManagedArrays().size() - 1;

                for (int call = 1; call <= 3; call++) {
                    NDArray logits = model.logits(ids);
                    assertArrayEquals(
                            expected.toFloatArray(),
                            logits.toFloatArray(),
                            "tied " + tied + ", call " + call); // no arrays made
                    assertSame(caller, logits.getManager(), "the logits belong to the ids' manager");
                    assertEquals(
                            1 + call,
                            caller.getManagedArrays().size(),
                            "call " + call + " left the logits and nothing else");
                    assertTrue(caller.getManagedArrays().contains(logits));
                    assertSame(caller, ids.getManager(), "the ids stay where they were");
                }
                assertEquals(
                        inModel + 1 + 3,
                        nd.getManagedArrays().size(),
                        "nothing new in the model's manager beyond the caller's arrays");

                int before = caller.getManagedArrays().size();
                NDList maps = model.logitsWithAttention(ids);
                assertEquals(3, maps.size(), "logits and one map per layer");
                for (int i = 0; i < maps.size(); i++)
                    assertArrayEquals(
                            expectedMaps.get(i).toFloatArray(), maps.get(i).toFloatArray(), "output " + i);
                assertEquals(
                        before + maps.size(),
                        caller.getManagedArrays().size(),
                        "only the logits and the maps are left");
            }
        }
    }

    /** Ids lent to a scope (tempAttach, as a timing loop does) stay lent: they go back to their owner when that scope closes. */
    @Test
    void idsLentToAScopeStillGoBackToTheirOwner() {
        Gpt model = new Gpt(new GptConfig(20, 16, 1, 2, 16, 0f, false)).initialize(nd);
        NDArray ids = nd.create(new long[] {1, 2, 3}, new Shape(1, 3));
        try (NDManager scope = nd.newSubManager()) {
            scope.tempAttachAll(ids);
            NDArray logits = model.logits(ids);
            assertSame(scope, logits.getManager(), "the logits belong to the scope the ids are in");
            assertSame(scope, ids.getManager());
        }
        assertSame(nd, ids.getManager(), "the scope gave the ids back");
        assertFalse(ids.isReleased());
        assertArrayEquals(new long[] {1, 2, 3}, ids.toLongArray());
    }

    /** The cached inference call equals the ParameterStore one; the cache owns its arrays, the caller gets only the logits. */
    @Test
    void theCachedInferenceCallLeavesOnlyTheLogits() {
        Gpt model = new Gpt(new GptConfig(20, 16, 2, 2, 16, 0f, false)).initialize(nd);
        long[] tokens = {3, 1, 4, 1, 5, 9};
        try (NDManager caller = nd.newSubManager();
                KvCache cache = new KvCache(nd, 2);
                KvCache reference = new KvCache(nd, 2)) {
            NDArray prompt = caller.create(new long[] {3, 1, 4}, new Shape(1, 3));
            int before = caller.getManagedArrays().size();
            NDArray prefill = model.logitsCached(prompt, cache);
            assertEquals(before + 1, caller.getManagedArrays().size(), "the prefill left its logits only");
            assertArrayEquals(
                    model.logitsCached(ps, prompt, reference).toFloatArray(), prefill.toFloatArray(), "the prefill");
            for (int t = 3; t < tokens.length; t++) {
                NDArray id = caller.create(new long[] {tokens[t]}, new Shape(1, 1));
                before = caller.getManagedArrays().size();
                NDArray step = model.logitsCached(id, cache);
                assertEquals(before + 1, caller.getManagedArrays().size(), "position " + t + " left its logits only");
                assertArrayEquals(
                        model.logitsCached(ps, id, reference).toFloatArray(), step.toFloatArray(), "position " + t);
            }
            assertEquals(tokens.length, cache.length());
            assertEquals(reference.bytes(), cache.bytes());
        }
    }

    @Test
    void attentionMapsComeOutPerLayer() {
        Gpt model = new Gpt(new GptConfig(20, 16, 2, 2, 16, 0f, false)).initialize(nd);
        NDList out = model.logitsWithAttention(ps, nd.create(new long[] {1, 2, 3, 4}, new Shape(1, 4)));
        assertEquals(3, out.size());
        assertEquals(new Shape(1, 2, 4, 4), out.get(1).getShape());
    }

    @Test
    void aLinearLayersWeightIsTheMatrixItMultipliesBy() {
        GptConfig config = new GptConfig(64, 32, 2, 4, 32, 0f, false);
        Gpt model = new Gpt(config).initialize(nd);
        var qkv = model.blocks().get(0).attention().linear("qkv");
        assertEquals(new Shape(96, 32), LinearLayers.weight(qkv).getShape());
        var notLinear = assertThrows(
                IllegalArgumentException.class,
                () -> LinearLayers.weight(model.blocks().get(0).attention()));
        assertTrue(notLinear.getMessage().contains("not a plain Linear layer"));
    }

    /** The parts a notebook assembles into a forward pass (notebooks 10 and 11) give exactly {@link Gpt#logits}. */
    @Test
    void embeddingsBlocksFinalNormAndOutputWeightsGiveTheLogits() {
        for (boolean tied : new boolean[] {false, true}) {
            GptConfig config = new GptConfig(20, 16, 2, 2, 16, 0.1f, tied);
            Gpt model = new Gpt(config).initialize(nd);
            assertEquals(new Shape(20, 16), model.tokenEmbeddings().getShape());
            assertEquals(new Shape(16, 16), model.positionEmbeddings().getShape());
            assertEquals(new Shape(20, 16), model.outputWeights().getShape());
            if (tied)
                assertSame(model.tokenEmbeddings(), model.outputWeights(), "tied: the output layer is the token table");

            NDArray ids = nd.create(new long[] {1, 5, 7, 3, 9, 2, 0, 19, 4, 4}, new Shape(2, 5));
            NDArray h = model.tokenEmbeddings()
                    .get(ids)
                    .add(model.positionEmbeddings().get("0:5"));
            for (TransformerBlock block : model.blocks())
                h = block.forward(ps, new NDList(h), false).singletonOrThrow();
            h = model.finalNorm().forward(ps, new NDList(h), false).singletonOrThrow();
            NDArray byParts = h.matMul(model.outputWeights().transpose());
            float difference =
                    byParts.sub(model.logits(ps, ids, false)).abs().max().getFloat();
            assertTrue(difference < 1e-6, "tied " + tied + ": the parts give the logits, difference " + difference);
        }
    }

    /** One forward path: the head applied to the features is exactly the logits, tied or not. */
    @Test
    void theHeadOnTheFeaturesGivesTheLogits() {
        for (boolean tied : new boolean[] {false, true}) {
            Gpt model = new Gpt(new GptConfig(20, 16, 2, 2, 16, 0f, tied)).initialize(nd);
            NDArray ids = nd.create(new long[] {1, 5, 7, 3, 9, 2, 0, 19, 4, 4}, new Shape(2, 5));
            NDArray features = model.features(ps, ids, false);
            assertEquals(new Shape(2, 5, 16), features.getShape());
            float difference = model.head(ps, features, false)
                    .sub(model.logits(ps, ids, false))
                    .abs()
                    .max()
                    .getFloat();
            assertEquals(0f, difference, "tied " + tied);
        }
    }
}

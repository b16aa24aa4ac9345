package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.JlamaReference;
import fasttrack.hub.Safetensors;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.text.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face folder against two implementations no one shares code with: a plain-Java reading of
 * the folder ({@link PlainLlama}) and Jlama, in its own process on Java 21+ (skipped without one).
 */
class LlamaFolderTest {

    private static final String TEXT =
            "In the beginning God created the heaven and the earth. And the earth was without form, and void.\n";
    private static final List<String> PROMPTS = List.of("In the beg", "And the earth", "void.\nAnd", "heaven");
    private static final int GREEDY = 6;
    private static final CharTokenizer CHARS = CharTokenizer.fit(TEXT);
    /** Heads of 16 dimensions (Jlama's kernels need a multiple of 16), 2 key/value heads. */
    private static final LlamaConfig CONFIG =
            new LlamaConfig(CHARS.vocabSize(), 32, 2, 4, 2, 64, 96, 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0);

    @TempDir
    Path dir;

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(12);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private List<int[]> prompts() {
        return PROMPTS.stream().map(CHARS::encode).toList();
    }

    @Test
    void theFolderHasHuggingFacesNamesAndReadsBackToTheSameModel() throws Exception {
        for (LlamaConfig c : List.of(CONFIG, CONFIG.withExperts(4, 2).withTiedWeights(true))) {
            Llama model = LlamaFixtures.model(c, nd, 1, 0.3f);
            Path folder = LlamaFolder.save(model, CHARS, dir.resolve(c.isMixture() ? "moe" : "dense"));
            JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
                    .getAsJsonObject();
            assertEquals(
                    c.isMixture() ? "mixtral" : "llama", json.get("model_type").getAsString());
            assertEquals(2, json.get("num_key_value_heads").getAsInt());
            assertEquals(96, json.get("intermediate_size").getAsInt());
            assertEquals(1e-5, json.get("rms_norm_eps").getAsDouble(), 0);
            try (Safetensors file = Safetensors.open(folder.resolve("model.safetensors"))) {
                assertTrue(file.contains("model.layers.1.self_attn.k_proj.weight"));
                assertArrayEquals(
                        new long[] {32, 64},
                        file.entry("model.layers.1.self_attn.k_proj.weight").shape(),
                        "K·d rows");
                assertTrue(file.contains(
                        c.isMixture()
                                ? "model.layers.0.block_sparse_moe.experts.3.w2.weight"
                                : "model.layers.0.mlp.gate_proj.weight"));
                assertEquals(!c.tieWeights(), file.contains("lm_head.weight"));
            }
            assertEquals(c, LlamaFolder.readConfig(folder));
            Llama back = LlamaFolder.load(folder, nd);
            var ids = nd.create(CHARS.encode("the earth"), new Shape(1, 9));
            assertEquals(
                    0,
                    LlamaFixtures.maxAbsDiff(
                            model.logits(ids).toFloatArray(), back.logits(ids).toFloatArray()),
                    1e-6);
        }
    }

    @Test
    void plainJavaReadingOfTheFolderAgreesWithTheModelDenseMixtureAndInterleaved() throws Exception {
        for (LlamaConfig c :
                List.of(CONFIG, CONFIG.withExperts(4, 2), CONFIG.withRopeLayout(Rope.Layout.INTERLEAVED))) {
            Llama model = LlamaFixtures.model(c, nd, 2, 0.3f);
            Path folder = LlamaFolder.save(model, CHARS, dir.resolve(c.ropeLayout() + "-" + c.experts()));
            Agreement a = Agreement.of(
                    Agreement.answers(model, prompts(), GREEDY, nd),
                    PlainLlama.load(folder).run(prompts(), GREEDY));
            assertTrue(a.within(1e-5), c + ": " + a);
            assertTrue(a.largestProbability() > 0.5, "distributions far from uniform: " + a);
        }
    }

    @Test
    void anInterleavedModelWrittenWithoutReorderingComputesSomethingElse() throws Exception {
        Llama interleaved = LlamaFixtures.model(CONFIG.withRopeLayout(Rope.Layout.INTERLEAVED), nd, 3, 0.3f);
        Llama asIfHalf = new Llama(CONFIG).initialize(nd); // the same weights, claimed to rotate halves
        var mine = interleaved.weights().values().iterator();
        for (var w : asIfHalf.weights().values()) Tensors.overwrite(w, Tensors.floats(mine.next()));
        Path folder = LlamaFolder.save(asIfHalf, CHARS, dir.resolve("wrong"));
        Agreement a = Agreement.of(
                Agreement.answers(interleaved, prompts(), GREEDY, nd),
                PlainLlama.load(folder).run(prompts(), GREEDY));
        assertFalse(a.within(1e-3), "the wrong layout is told apart: " + a);
    }

    @Test
    void jlamaGivesTheModelsDistributionsAndGreedyTokensAndShowsItsMixtureIsUnweighted() throws Exception {
        Optional<JlamaReference> found = JlamaReference.find();
        Assumptions.assumeTrue(found.isPresent(), "skipped: no Java 21+ runtime for Jlama");
        JlamaReference jlama = found.get();
        Llama dense = LlamaFixtures.model(CONFIG, nd, 4, 0.3f);
        Path denseFolder = LlamaFolder.save(dense, CHARS, dir.resolve("jlama-dense"));
        Agreement a = Agreement.of(
                Agreement.answers(dense, prompts(), GREEDY, nd), jlama.run(denseFolder, prompts(), GREEDY));
        System.out.println("Jlama vs course Llama: " + a);
        assertTrue(a.within(1e-4), a.toString());

        Llama moe = LlamaFixtures.model(CONFIG.withExperts(4, 2), nd, 5, 0.3f);
        Path moeFolder = LlamaFolder.save(moe, CHARS, dir.resolve("jlama-moe"));
        List<JlamaReference.Prompt> theirs = jlama.run(moeFolder, prompts(), GREEDY);
        Agreement weighted = Agreement.of(Agreement.answers(moe, prompts(), GREEDY, nd), theirs);
        Agreement unweighted =
                Agreement.of(PlainLlama.loadUnweightedExperts(moeFolder).run(prompts(), GREEDY), theirs);
        System.out.println("Jlama vs course Mixtral: " + weighted + "; vs unweighted experts: " + unweighted);
        assertFalse(weighted.within(1e-3), "Jlama 0.8.4 sums the chosen experts without the router's weights");
        assertTrue(unweighted.within(1e-4), "which is exactly what it computes: " + unweighted);
    }

    @Test
    void foldersJlamaWouldMisreadAreRefused() throws Exception {
        Llama narrow = new Llama(new LlamaConfig(
                        CHARS.vocabSize(), 32, 1, 4, 4, 32, 48, 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0))
                .initialize(nd);
        Path folder = LlamaFolder.save(narrow, CHARS, dir.resolve("narrow"));
        Optional<JlamaReference> found = JlamaReference.find();
        Assumptions.assumeTrue(found.isPresent(), "skipped: no Java 21+ runtime for Jlama");
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> found.get().run(folder, prompts(), 2))
                        .getMessage()
                        .contains("multiple of 16"));
        Path ok = LlamaFolder.save(new Llama(CONFIG).initialize(nd), CHARS, dir.resolve("ok"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> found.get().run(ok, List.of(new int[30]), 2))
                .getMessage()
                .contains("RoPE table"));
    }

    @Test
    void readingRefusesOtherModelsAndOptionsTheCourseModelLacks() throws Exception {
        Path folder = LlamaFolder.save(new Llama(CONFIG).initialize(nd), CHARS, dir.resolve("edit"));
        String json = Files.readString(folder.resolve("config.json"));
        Files.writeString(
                folder.resolve("config.json"),
                json.replace(
                        "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0}"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LlamaFolder.readConfig(folder))
                .getMessage()
                .contains("rope_scaling"));
        Files.writeString(
                folder.resolve("config.json"), json.replace("\"model_type\": \"llama\"", "\"model_type\": \"gpt2\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LlamaFolder.readConfig(folder))
                .getMessage()
                .contains("expected \"llama\""));
    }
}

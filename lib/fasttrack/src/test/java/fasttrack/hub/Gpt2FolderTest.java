package fasttrack.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.Safetensors.DType;
import fasttrack.hub.Safetensors.Tensor;
import fasttrack.nn.FeedForward;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.nn.LinearLayers;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.text.BpeTokenizer;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2FolderTest {

    static final String TEXT =
            "It was the best of times, it was the worst of times; it was the age of wisdom.\nÉtude № 5 — naïve café.\n";
    static final CharTokenizer CHARS = CharTokenizer.fit(TEXT);
    static final GptConfig SMALL =
            new GptConfig(CHARS.vocabSize(), 16, 2, 2, 16, 0.1f, true, FeedForward.Activation.GELU_TANH);

    @TempDir
    Path dir;

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(21);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    static void assertSameWeights(Gpt expected, Gpt actual) {
        PairList<String, Parameter> a = expected.getParameters(), b = actual.getParameters();
        assertEquals(a.keys(), b.keys());
        for (int i = 0; i < a.size(); i++) {
            float[] x = Tensors.floats(a.get(i).getValue().getArray()),
                    y = Tensors.floats(b.get(i).getValue().getArray());
            assertEquals(
                    new Tensor(new long[] {x.length}, x),
                    new Tensor(new long[] {y.length}, y),
                    "bit for bit: " + a.get(i).getKey());
        }
    }

    @Test
    void exportThenImportGivesIdenticalWeightsAndLogits() throws IOException {
        for (GptConfig config :
                List.of(SMALL, SMALL.withTiedWeights(false).withActivation(FeedForward.Activation.GELU))) {
            Gpt model = RandomGpt.of(config, nd, 1, 0.3f);
            Path folder = Gpt2Folder.save(model, CHARS, dir.resolve("m" + config.tieWeights()));
            assertEquals(config, Gpt2Folder.readConfig(folder), "config.json describes the model exactly");
            Gpt loaded = Gpt2Folder.load(folder, nd);
            assertEquals(config, loaded.config());
            assertSameWeights(model, loaded);
            int[] ids = CHARS.encode("it was the age");
            float[][] before = HubFixtures.logits(model, nd, ids), after = HubFixtures.logits(loaded, nd, ids);
            for (int t = 0; t < ids.length; t++)
                assertArrayEquals(before[t], after[t], 0f, "identical logits at position " + t);
        }
    }

    @Test
    void theFolderHoldsGpt2sNamesShapesAndConfig() throws IOException {
        Gpt model = RandomGpt.of(SMALL, nd, 2, 0.1f);
        Path folder = Gpt2Folder.save(model, CHARS, dir.resolve("tied"));
        long v = SMALL.vocabSize(), c = 16;
        try (Safetensors weights = Safetensors.open(folder.resolve("model.safetensors"))) {
            List<String> expected = new ArrayList<>(List.of("wte.weight", "wpe.weight"));
            for (int i = 0; i < 2; i++) {
                for (String n : List.of(
                        "ln_1.weight",
                        "ln_1.bias",
                        "attn.c_attn.weight",
                        "attn.c_attn.bias",
                        "attn.c_proj.weight",
                        "attn.c_proj.bias",
                        "ln_2.weight",
                        "ln_2.bias",
                        "mlp.c_fc.weight",
                        "mlp.c_fc.bias",
                        "mlp.c_proj.weight",
                        "mlp.c_proj.bias")) {
                    expected.add("h." + i + "." + n);
                }
            }
            expected.addAll(List.of("ln_f.weight", "ln_f.bias"));
            assertEquals(
                    expected,
                    List.copyOf(weights.names()),
                    "GPT-2's own names (as gpt2's model.safetensors), no lm_head: tied to wte");
            assertArrayEquals(new long[] {v, c}, weights.entry("wte.weight").shape());
            assertArrayEquals(new long[] {16, c}, weights.entry("wpe.weight").shape());
            assertArrayEquals(
                    new long[] {c, 3 * c},
                    weights.entry("h.1.attn.c_attn.weight").shape(),
                    "Conv1D: [in, out]");
            assertArrayEquals(
                    new long[] {3 * c}, weights.entry("h.1.attn.c_attn.bias").shape());
            assertArrayEquals(
                    new long[] {c, 4 * c}, weights.entry("h.0.mlp.c_fc.weight").shape());
            assertArrayEquals(
                    new long[] {4 * c, c},
                    weights.entry("h.0.mlp.c_proj.weight").shape());
            assertEquals("pt", weights.metadata().get("format"), "transformers wants __metadata__.format");
            // c_attn is the course's qkv weight (3C, C) transposed: row i of the file is column i of the course's.
            float[] file = weights.read("h.1.attn.c_attn.weight").values();
            float[] course = Tensors.floats(
                    LinearLayers.weight(model.blocks().get(1).attention().linear("qkv")));
            for (int in = 0; in < c; in++)
                for (int out = 0; out < 3 * c; out++)
                    assertEquals(course[(int) (out * c + in)], file[(int) (in * 3 * c + out)]);
        }
        JsonObject config = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
                .getAsJsonObject();
        assertEquals("gpt2", config.get("model_type").getAsString());
        assertEquals("[\"GPT2LMHeadModel\"]", config.get("architectures").toString());
        assertEquals(v, config.get("vocab_size").getAsLong());
        assertEquals(16, config.get("n_positions").getAsInt());
        assertEquals(16, config.get("n_ctx").getAsInt());
        assertEquals(16, config.get("n_embd").getAsInt());
        assertEquals(2, config.get("n_layer").getAsInt());
        assertEquals(2, config.get("n_head").getAsInt());
        assertEquals(64, config.get("n_inner").getAsInt());
        assertEquals(
                "gelu_new",
                config.get("activation_function").getAsString(),
                "what the model really uses: the tanh GELU");
        assertEquals(1e-5, config.get("layer_norm_epsilon").getAsDouble());
        assertTrue(config.get("tie_word_embeddings").getAsBoolean());
        assertEquals(0.1, config.get("resid_pdrop").getAsDouble());
        assertEquals(0.1, config.get("embd_pdrop").getAsDouble());
        assertTrue(
                config.get("bos_token_id").isJsonNull()
                        && config.get("eos_token_id").isJsonNull(),
                "a character model has no end-of-text token");
        assertFalse(Files.exists(folder.resolve("generation_config.json")));
        assertTrue(Files.exists(folder.resolve("tokenizer.json")));

        Gpt untied =
                RandomGpt.of(SMALL.withTiedWeights(false).withActivation(FeedForward.Activation.GELU), nd, 3, 0.1f);
        Path other = Gpt2Folder.save(untied, CHARS, dir.resolve("untied"), DType.F32, 0);
        try (Safetensors weights = Safetensors.open(other.resolve("model.safetensors"))) {
            assertTrue(
                    weights.contains("transformer.wte.weight") && weights.contains("transformer.h.1.mlp.c_proj.bias"),
                    "an untied model in transformers' own layout: " + weights.names());
            assertArrayEquals(new long[] {v, c}, weights.entry("lm_head.weight").shape());
            assertEquals(
                    new Tensor(new long[] {v, c}, Tensors.floats(untied.outputWeights())),
                    weights.read("lm_head.weight"));
        }
        JsonObject untiedConfig = JsonParser.parseString(Files.readString(other.resolve("config.json")))
                .getAsJsonObject();
        assertEquals("gelu", untiedConfig.get("activation_function").getAsString());
        assertFalse(untiedConfig.get("tie_word_embeddings").getAsBoolean());
        assertEquals(0, untiedConfig.get("eos_token_id").getAsInt());
        JsonObject generation = JsonParser.parseString(Files.readString(other.resolve("generation_config.json")))
                .getAsJsonObject();
        assertEquals(0, generation.get("bos_token_id").getAsInt());
        assertEquals(0, generation.get("eos_token_id").getAsInt());
    }

    @Test
    void gpt2SmallsExactShapesWriteAndLoadBackWith124MParameters() throws IOException {
        GptConfig gpt2 = GptConfig.gpt2Small();
        assertEquals(
                124_439_808L,
                gpt2.parameterCount(),
                "GPT-2 small: 124,439,808 parameters (the lm_head is the token embedding)");
        Gpt model = new Gpt(gpt2).initialize(nd);
        Path folder = Gpt2Folder.save(model, null, dir.resolve("gpt2"));
        assertEquals(gpt2, Gpt2Folder.readConfig(folder));
        long header;
        try (Safetensors weights = Safetensors.open(folder.resolve("model.safetensors"))) {
            assertEquals(2 + 12 * 12 + 2, weights.names().size(), "wte, wpe, 12 tensors a layer, ln_f");
            assertArrayEquals(
                    new long[] {50257, 768}, weights.entry("wte.weight").shape());
            assertArrayEquals(
                    new long[] {1024, 768}, weights.entry("wpe.weight").shape());
            assertArrayEquals(
                    new long[] {768, 2304},
                    weights.entry("h.11.attn.c_attn.weight").shape());
            assertArrayEquals(
                    new long[] {768, 3072},
                    weights.entry("h.11.mlp.c_fc.weight").shape());
            long count = weights.entries().stream()
                    .mapToLong(Safetensors.Entry::size)
                    .sum();
            assertEquals(124_439_808L, count);
            header = weights.entries().get(0).begin();
        }
        assertTrue(
                Files.size(folder.resolve("model.safetensors")) > 124_439_808L * 4,
                "float32: 4 bytes a parameter, plus the header");
        Gpt loaded = Gpt2Folder.load(folder, nd);
        assertEquals(gpt2, loaded.config());
        assertEquals(124_439_808L, loaded.parameterCount());
        assertArrayEquals(Tensors.floats(model.tokenEmbeddings()), Tensors.floats(loaded.tokenEmbeddings()), 0f);
        assertArrayEquals(
                Tensors.floats(
                        LinearLayers.weight(model.blocks().get(11).feedForward().linear("up"))),
                Tensors.floats(LinearLayers.weight(
                        loaded.blocks().get(11).feedForward().linear("up"))),
                0f);
        assertEquals(0, header);
    }

    @Test
    void sixteenBitFoldersLoadAsTheRoundedWeights() throws IOException {
        Gpt model = RandomGpt.of(SMALL, nd, 4, 0.3f);
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            Path folder = Gpt2Folder.save(model, CHARS, dir.resolve(dtype.name()), dtype, null);
            JsonObject config = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
                    .getAsJsonObject();
            assertEquals(
                    dtype == DType.F16 ? "float16" : "bfloat16",
                    config.get("torch_dtype").getAsString());
            Gpt loaded = Gpt2Folder.load(folder, nd);
            float[] original = Tensors.floats(model.tokenEmbeddings()), back = Tensors.floats(loaded.tokenEmbeddings());
            for (int i = 0; i < original.length; i++) {
                float rounded = dtype == DType.F16
                        ? Safetensors.fromFloat16(Safetensors.toFloat16(original[i]))
                        : Safetensors.fromBfloat16(Safetensors.toBfloat16(original[i]));
                assertEquals(rounded, back[i], dtype + " weight " + i);
            }
        }
    }

    @Test
    void foldersLaidOutAsGpt2ShipsOrAsTransformersSavesBothLoad() throws IOException {
        Gpt model = RandomGpt.of(SMALL, nd, 5, 0.3f);
        Path reference = Gpt2Folder.save(model, CHARS, dir.resolve("reference"));
        Map<String, Tensor> tensors = Gpt2Folder.tensors(model);
        float[] mask = new float[16 * 16];
        for (int i = 0; i < 16; i++) for (int j = 0; j <= i; j++) mask[i * 16 + j] = 1;

        // gpt2's own file: bare names, plus the causal-mask buffers h.N.attn.bias and masked_bias that older saves
        // kept.
        Map<String, Tensor> openai = new LinkedHashMap<>(tensors);
        for (int i = 0; i < 2; i++) {
            openai.put("h." + i + ".attn.bias", new Tensor(new long[] {1, 1, 16, 16}, mask));
            openai.put("h." + i + ".attn.masked_bias", new Tensor(new long[] {}, new float[] {-1e4f}));
        }
        // transformers' save_pretrained: "transformer." before the body, and the tied head written out.
        Map<String, Tensor> saved = new LinkedHashMap<>();
        tensors.forEach((name, t) -> saved.put("transformer." + name, t));
        saved.put("lm_head.weight", tensors.get("wte.weight"));
        for (Map<String, Tensor> layout : List.of(openai, saved)) {
            Path folder = Files.createDirectories(dir.resolve("layout" + layout.size()));
            Files.copy(reference.resolve("config.json"), folder.resolve("config.json"));
            Safetensors.write(folder.resolve("model.safetensors"), layout, DType.F32, Map.of("format", "pt"));
            assertSameWeights(model, Gpt2Folder.load(folder, nd));
        }
    }

    @Test
    void theCourseTokenizersTokenizerJsonEncodesIdenticallyInHuggingFacesLibrary() throws IOException {
        BpeTokenizer bpe = BpeTokenizer.train(TEXT + TEXT.toUpperCase(), 300);
        List<String> texts = List.of(
                TEXT, "it was the worst café", "  spaces  and\ttabs\n\nnewlines ", "unseen: Zürich 😀 ∑ ✓", "", "É");
        for (Tokenizer tokenizer : List.of(CHARS, bpe)) {
            Gpt model = new Gpt(new GptConfig(tokenizer.vocabSize(), 16, 1, 2, 16, 0f, true)).initialize(nd);
            Path folder = Gpt2Folder.save(model, tokenizer, dir.resolve("tok" + tokenizer.vocabSize()));
            Tokenizer hf = Gpt2Folder.tokenizer(folder);
            assertEquals(tokenizer.vocabSize(), hf.vocabSize(), tokenizer + ": the same vocabulary size");
            for (String text : texts) {
                int[] ours = tokenizer.encode(text), theirs = hf.encode(text);
                assertArrayEquals(ours, theirs, tokenizer + " on '" + text + "'");
                assertEquals(tokenizer.decode(ours), hf.decode(theirs), tokenizer + " decoding '" + text + "'");
            }
        }
        assertTrue(
                CHARS.encode("😀")[0] == CHARS.unknownId(),
                "the emoji is unknown to the character tokenizer, and to HF's: both give the unknown id");
    }
}

package fasttrack.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.Safetensors.DType;
import fasttrack.hub.Safetensors.Tensor;
import fasttrack.nn.FeedForward;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.text.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A folder the course model cannot faithfully run is refused, naming the tensor or config field and what was expected. */
class Gpt2FolderBadInputTest {

    private static final GptConfig SMALL =
            Gpt2FolderTest.SMALL; // vocab 40-odd, context 16, 2 layers, 2 heads, C = 16, tied, tanh GELU

    @TempDir
    Path dir;

    private NDManager nd;
    private Gpt model;
    private Path good;

    @BeforeEach
    void setUp() throws IOException {
        Setup.seed(41);
        nd = Setup.manager().newSubManager();
        model = RandomGpt.of(SMALL, nd, 9, 0.2f);
        good = Gpt2Folder.save(model, Gpt2FolderTest.CHARS, dir.resolve("good"));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** A copy of the good folder with its config.json edited. */
    private Path withConfig(String name, Consumer<JsonObject> edit) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        JsonObject config = JsonParser.parseString(Files.readString(good.resolve("config.json")))
                .getAsJsonObject();
        edit.accept(config);
        Files.writeString(
                folder.resolve("config.json"),
                new GsonBuilder().serializeNulls().create().toJson(config));
        Files.copy(good.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        return folder;
    }

    /** A copy of the good folder with its tensors edited. */
    private Path withTensors(String name, Consumer<Map<String, Tensor>> edit) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.copy(good.resolve("config.json"), folder.resolve("config.json"));
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.readAll(good.resolve("model.safetensors")));
        edit.accept(tensors);
        Safetensors.write(folder.resolve("model.safetensors"), tensors, DType.F32, Map.of("format", "pt"));
        return folder;
    }

    private static void refused(Executable load, String... phrases) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load);
        for (String phrase : phrases)
            assertTrue(e.getMessage().contains(phrase), "says '" + phrase + "': " + e.getMessage());
    }

    private void refusedToLoad(Path folder, String... phrases) {
        refused(() -> Gpt2Folder.load(folder, nd), phrases);
    }

    @Test
    void aMissingTensorIsNamedWithItsRoleAndShape() throws IOException {
        refusedToLoad(
                withTensors("missing", t -> t.remove("h.1.mlp.c_fc.weight")),
                "has no tensor 'h.1.mlp.c_fc.weight'",
                "layer 1's feed-forward up-projection",
                "expected shape [16, 64]");
        refusedToLoad(
                withTensors("no-bias", t -> t.remove("ln_f.bias")),
                "has no tensor 'ln_f.bias'",
                "final layer norm's shift");
        Path untied = withConfig("untied", c -> c.addProperty("tie_word_embeddings", false));
        refusedToLoad(
                untied,
                "has no tensor 'lm_head.weight'",
                "the output head",
                "expected shape [" + SMALL.vocabSize() + ", 16]");
    }

    @Test
    void anotherArchitectureIsRefusedByItsModelType() throws IOException {
        refusedToLoad(
                withConfig("llama", c -> c.addProperty("model_type", "llama")),
                "model_type \"llama\"",
                "expected \"gpt2\"");
        refusedToLoad(withConfig("none", c -> c.remove("model_type")), "has no model_type", "expected \"gpt2\"");
        refusedToLoad(withConfig("neo", c -> c.addProperty("model_type", "gpt_neo")), "model_type \"gpt_neo\"");
    }

    @Test
    void shapesThatDoNotMatchTheConfigAreNamed() throws IOException {
        refusedToLoad(
                withTensors(
                        "narrow-qkv",
                        t -> t.put("h.0.attn.c_attn.weight", new Tensor(new long[] {16, 32}, new float[16 * 32]))),
                "tensor 'h.0.attn.c_attn.weight' has shape [16, 32]",
                "needs [16, 48]",
                "fused query/key/value");
        refusedToLoad(
                withTensors(
                        "transposed",
                        t -> t.put("h.1.mlp.c_proj.weight", new Tensor(new long[] {16, 64}, new float[16 * 64]))),
                "tensor 'h.1.mlp.c_proj.weight' has shape [16, 64]",
                "needs [64, 16]",
                "Conv1D [in, out]");
        int vocab = SMALL.vocabSize();
        refusedToLoad(
                withConfig("vocab", c -> c.addProperty("vocab_size", vocab + 1)),
                "tensor 'wte.weight' has shape [" + vocab + ", 16]",
                "vocab_size " + (vocab + 1),
                "needs [" + (vocab + 1) + ", 16]");
        refusedToLoad(
                withConfig("context", c -> c.addProperty("n_positions", 32)),
                "tensor 'wpe.weight' has shape [16, 16]",
                "needs [32, 16]");
        refusedToLoad(
                withTensors("extra", t -> t.put("h.2.ln_1.weight", new Tensor(new long[] {16}, new float[16]))),
                "unexpected tensor 'h.2.ln_1.weight'",
                "n_layer 2");
    }

    @Test
    void configFieldsTheCourseModelCannotComputeAreNamed() throws IOException {
        refusedToLoad(
                withConfig("relu", c -> c.addProperty("activation_function", "relu")),
                "activation_function \"relu\"",
                "\"gelu_new\"");
        refusedToLoad(withConfig("inner", c -> c.addProperty("n_inner", 100)), "n_inner 100", "expected null or 64");
        refusedToLoad(
                withConfig("epsilon", c -> c.addProperty("layer_norm_epsilon", 1e-6)),
                "layer_norm_epsilon 1.0E-6",
                "expected 1e-05");
        refusedToLoad(
                withConfig("by-layer", c -> c.addProperty("scale_attn_by_inverse_layer_idx", true)),
                "scale_attn_by_inverse_layer_idx true",
                "expected false");
        refusedToLoad(withConfig("width", c -> c.remove("n_embd")), "has no n_embd");
        refusedToLoad(withConfig("heads", c -> c.addProperty("n_head", 3)), "n_embd 16, not divisible by n_head 3");
        refusedToLoad(
                withConfig("text", c -> c.addProperty("n_layer", "two")), "n_layer \"two\"", "expected a whole number");
        // The other GELU spelling GPT-2 checkpoints use loads as the tanh form; a missing one means transformers'
        // default, gelu_new.
        Gpt fromPytorchTanh = Gpt2Folder.load(
                withConfig("pytorch-tanh", c -> c.addProperty("activation_function", "gelu_pytorch_tanh")), nd);
        assertEquals(FeedForward.Activation.GELU_TANH, fromPytorchTanh.config().activation());
        assertEquals(SMALL, Gpt2Folder.readConfig(withConfig("defaults", c -> {
            c.remove("activation_function");
            c.remove("n_inner");
            c.remove("layer_norm_epsilon");
            c.remove("tie_word_embeddings");
            c.remove("n_ctx");
        })));
    }

    @Test
    void missingFilesAndMismatchedModelsAreExplained() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        refused(() -> Gpt2Folder.readConfig(empty), "no config.json in");
        Path sharded = withConfig("sharded", c -> {});
        Files.delete(sharded.resolve("model.safetensors"));
        Files.writeString(sharded.resolve("model.safetensors.index.json"), "{}");
        refusedToLoad(sharded, "no model.safetensors", "sharded");
        Path pickle = withConfig("pickle", c -> {});
        Files.move(pickle.resolve("model.safetensors"), pickle.resolve("pytorch_model.bin"));
        refusedToLoad(pickle, "no model.safetensors", "pytorch_model.bin", "convert it to safetensors");
        Path brokenConfig = withConfig("broken", c -> {});
        Files.writeString(brokenConfig.resolve("config.json"), "[1, 2]");
        refusedToLoad(brokenConfig, "config.json is not a JSON object");

        Gpt other = new Gpt(SMALL.withActivation(FeedForward.Activation.GELU)).initialize(nd);
        refused(() -> Gpt2Folder.loadWeights(good, other), "build the model from Gpt2Folder.readConfig(folder)");
        refusedToLoad(
                withTensors("head", t -> {
                    Tensor wte = t.get("wte.weight");
                    float[] changed = wte.values().clone();
                    changed[0] += 1;
                    t.put("lm_head.weight", new Tensor(wte.shape(), changed));
                }),
                "lm_head.weight that differs from wte.weight",
                "tie_word_embeddings true");
    }

    @Test
    void exportRefusesWhatAFolderCannotHold() throws IOException {
        BpeTokenizer tooBig = BpeTokenizer.train(Gpt2FolderTest.TEXT.repeat(3), 260);
        refused(
                () -> Gpt2Folder.save(model, tooBig, dir.resolve("x")),
                "the tokenizer has 260 tokens but the model only " + SMALL.vocabSize());
        refused(
                () -> Gpt2Folder.save(model, null, dir.resolve("x"), DType.F32, SMALL.vocabSize()),
                "end-of-text id " + SMALL.vocabSize() + " is outside");
        float[] before = Tensors.floats(model.tokenEmbeddings());
        Gpt loaded = Gpt2Folder.load(good, nd);
        assertEquals(
                before.length,
                Tensors.floats(loaded.tokenEmbeddings()).length,
                "the good folder still loads after all that");
    }
}

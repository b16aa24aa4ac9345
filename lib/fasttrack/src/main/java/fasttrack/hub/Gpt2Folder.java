package fasttrack.hub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import fasttrack.io.AtomicFiles;
import fasttrack.lora.LoraAdapters;
import fasttrack.nn.FeedForward;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.nn.LinearLayers;
import fasttrack.nn.MultiHeadAttention;
import fasttrack.nn.TransformerBlock;
import fasttrack.tensors.Tensors;
import fasttrack.text.BpeTokenizer;
import fasttrack.text.CharTokenizer;
import fasttrack.text.HuggingFaceTokenizers;
import fasttrack.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A course {@link Gpt} as a Hugging Face GPT-2 folder, and back: {@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json} and, when the model has an end-of-text token,
 * {@code generation_config.json}. Transformers loads it as a {@code GPT2LMHeadModel}, Jlama as a GPT-2,
 * and a GPT-2-family folder someone downloaded ({@code gpt2}, {@code distilgpt2}, …) loads into a course
 * {@code Gpt} with its real configuration.
 *
 * <p>The two models compute the same function; what differs is the bookkeeping:
 * <pre>
 *   course Gpt                              GPT-2 (Hugging Face)              layout
 *   tokens (V, C)                           wte.weight                        same
 *   positions (blockSize, C)                wpe.weight                        same
 *   block i norm1 gamma, beta               h.i.ln_1.weight, .bias            same
 *   block i attention qkv (3C, C) + bias    h.i.attn.c_attn.weight, .bias     transposed: Conv1D keeps [in, out] = [C, 3C];
 *                                                                              q, k, v side by side in both, heads split alike
 *   block i attention projection (C, C)     h.i.attn.c_proj.weight, .bias     transposed
 *   block i norm2                           h.i.ln_2.weight, .bias            same
 *   block i feed-forward up (4C, C)         h.i.mlp.c_fc.weight, .bias        transposed: [C, 4C]
 *   block i feed-forward down (C, 4C)       h.i.mlp.c_proj.weight, .bias      transposed: [4C, C]
 *   finalNorm                               ln_f.weight, .bias                same
 *   head (V, C), when not tied              lm_head.weight                    same (a plain Linear)
 * </pre>
 * Names: OpenAI's own {@code gpt2} file (and Jlama, which reads only that) uses the bare names above;
 * a {@code GPT2LMHeadModel} saved by transformers puts {@code transformer.} before every name but
 * {@code lm_head.weight}. A tied model is written with bare names (what {@code gpt2} ships, readable by
 * both); an untied one in transformers' layout with its {@code lm_head.weight} (Jlama always ties the
 * head, so it cannot run one). Reading accepts both, and skips the causal-mask buffers
 * ({@code h.i.attn.bias}, {@code h.i.attn.masked_bias}) older files carry.
 *
 * <p>What the course model can compute is checked before anything is loaded: {@code model_type} gpt2,
 * GELU exact ({@code "gelu"}) or tanh ({@code "gelu_new"}), layer norm ε = 10⁻⁵ (the course's, and
 * every GPT-2's), feed-forward width 4C, attention scaled by 1/√d. Anything else, a missing or extra
 * tensor, or a shape that does not match config.json is refused with a message that names it.
 */
public final class Gpt2Folder {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String GENERATION_CONFIG = "generation_config.json";

    /** The prefix transformers' GPT2LMHeadModel puts before the body's tensor names. */
    static final String BODY_PREFIX = "transformer.";
    /** Buffers older GPT-2 files hold beside the weights (the causal mask, and the value masked scores get): not parameters. */
    private static final Pattern BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private static final float LAYER_NORM_EPSILON =
            1e-5f; // DJL's LayerNorm default, which the course model uses; GPT-2's too

    private Gpt2Folder() {}

    /**
     * One tensor of the mapping: its GPT-2 name and shape, the course weight it is, and whether
     * GPT-2 stores it transposed (Conv1D's [in, out] against Linear's (out, in)).
     */
    private record Slot(String name, long[] shape, NDArray weight, boolean transposed, String role) {}

    // ---- export ----

    /** {@link #save(Gpt, Tokenizer, Path, Safetensors.DType, Integer)} with float32 weights and no end-of-text token. */
    public static Path save(Gpt model, Tokenizer tokenizer, Path folder) throws IOException {
        return save(model, tokenizer, folder, Safetensors.DType.F32, null);
    }

    /**
     * Writes {@code model} and {@code tokenizer} as a GPT-2 folder (each file atomically) and returns
     * the folder.
     *
     * @param tokenizer  a {@link CharTokenizer} or {@link BpeTokenizer} with at most the model's vocabulary,
     *                   written as tokenizer.json; or null for none (a stale tokenizer.json is removed, as it
     *                   would not belong to this model)
     * @param dtype      F32 (exact), or F16 / BF16 (half the size; each weight rounded to the nearest value)
     * @param endOfText  the id of an end-of-text token (GPT-2's 50256), written as bos/eos ids; null for none
     */
    public static Path save(Gpt model, Tokenizer tokenizer, Path folder, Safetensors.DType dtype, Integer endOfText)
            throws IOException {
        GptConfig config = model.config();
        if (tokenizer != null && !(tokenizer instanceof CharTokenizer) && !(tokenizer instanceof BpeTokenizer)) {
            throw new IllegalArgumentException(
                    "can write a tokenizer.json for a CharTokenizer or a BpeTokenizer, not a "
                            + tokenizer.getClass().getSimpleName());
        }
        if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model only " + config.vocabSize() + ": its ids would not all have embeddings");
        }
        if (endOfText != null && (endOfText < 0 || endOfText >= config.vocabSize())) {
            throw new IllegalArgumentException(
                    "end-of-text id " + endOfText + " is outside the vocabulary 0.." + (config.vocabSize() - 1));
        }
        Map<String, Safetensors.Tensor> tensors = tensors(model);
        Files.createDirectories(folder);
        Safetensors.write(folder.resolve(WEIGHTS), tensors, dtype, Map.of("format", "pt"));
        writeJson(folder.resolve(CONFIG), configJson(config, dtype, endOfText));
        if (endOfText != null) {
            JsonObject generation = new JsonObject();
            generation.addProperty("bos_token_id", endOfText);
            generation.addProperty("eos_token_id", endOfText);
            writeJson(folder.resolve(GENERATION_CONFIG), generation);
        } else {
            Files.deleteIfExists(folder.resolve(GENERATION_CONFIG));
        }
        if (tokenizer instanceof CharTokenizer chars) chars.saveTokenizerJson(folder.resolve(TOKENIZER));
        else if (tokenizer instanceof BpeTokenizer bpe) bpe.saveTokenizerJson(folder.resolve(TOKENIZER));
        else Files.deleteIfExists(folder.resolve(TOKENIZER));
        return folder;
    }

    /**
     * The model's weights under GPT-2's names, in GPT-2's layouts (float32 copies): exactly what
     * {@link #save} writes to model.safetensors.
     */
    public static Map<String, Safetensors.Tensor> tensors(Gpt model) {
        if (LoraAdapters.present(model)) {
            throw new IllegalArgumentException(
                    "this model has LoRA adapters: GPT-2 has no place for them. Export the model without adapters,"
                            + " or copy merged weights into a plain Gpt first");
        }
        String body = model.config().tieWeights() ? "" : BODY_PREFIX; // see the class comment
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        for (Slot s : slots(model.config(), model)) {
            float[] values = Tensors.floats(s.weight());
            if (s.transposed())
                values = transpose(values, (int) s.shape()[1], (int) s.shape()[0]); // (out, in) -> [in, out]
            out.put(
                    s.name().equals("lm_head.weight") ? s.name() : body + s.name(),
                    new Safetensors.Tensor(s.shape(), values));
        }
        return out;
    }

    /** The config.json a GPT2LMHeadModel of this shape has (Hugging Face's field names). */
    public static JsonObject configJson(GptConfig config, Safetensors.DType dtype, Integer endOfText) {
        double dropout = Double.parseDouble(Float.toString(config.dropout())); // 0.1, not 0.10000000149011612
        JsonObject json = new JsonObject();
        json.addProperty("model_type", "gpt2");
        json.add("architectures", JsonParser.parseString("[\"GPT2LMHeadModel\"]"));
        json.addProperty("vocab_size", config.vocabSize());
        json.addProperty("n_positions", config.blockSize());
        json.addProperty("n_ctx", config.blockSize()); // older readers (Jlama among them) take the context from n_ctx
        json.addProperty("n_embd", config.embedDim());
        json.addProperty("n_layer", config.layers());
        json.addProperty("n_head", config.heads());
        json.addProperty("n_inner", 4 * config.embedDim());
        json.addProperty("activation_function", activationName(config.activation()));
        json.addProperty(
                "layer_norm_epsilon",
                Double.parseDouble(Float.toString(LAYER_NORM_EPSILON))); // 1e-05, not 9.99999974e-06
        json.addProperty("tie_word_embeddings", config.tieWeights());
        json.addProperty("embd_pdrop", dropout);
        json.addProperty("resid_pdrop", dropout);
        json.addProperty("attn_pdrop", 0.0); // the course's attention has no dropout on its weights
        json.addProperty("scale_attn_weights", true);
        json.addProperty("scale_attn_by_inverse_layer_idx", false);
        json.addProperty("reorder_and_upcast_attn", false);
        json.addProperty("initializer_range", 0.02);
        json.add("bos_token_id", endOfText == null ? JsonNull.INSTANCE : new JsonPrimitive(endOfText));
        json.add("eos_token_id", endOfText == null ? JsonNull.INSTANCE : new JsonPrimitive(endOfText));
        json.addProperty(
                "torch_dtype",
                switch (dtype) {
                    case F16 -> "float16";
                    case BF16 -> "bfloat16";
                    default -> "float32";
                });
        json.addProperty("use_cache", true);
        return json;
    }

    /** Hugging Face's name for the activation: "gelu" (exact) or "gelu_new" (GPT-2's tanh form). */
    public static String activationName(FeedForward.Activation activation) {
        return activation == FeedForward.Activation.GELU_TANH ? "gelu_new" : "gelu";
    }

    // ---- import ----

    /**
     * The course configuration of the GPT-2 in {@code folder}, from its config.json.
     *
     * @throws IllegalArgumentException naming the field, when the folder holds another kind of model
     *                                  or one with an option the course model does not compute
     */
    public static GptConfig readConfig(Path folder) throws IOException {
        Path file = folder.resolve(CONFIG);
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file));
            if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
            json = parsed.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "no " + CONFIG + " in " + folder.toAbsolutePath() + ": a Hugging Face model folder has config.json,"
                            + " model.safetensors and usually tokenizer.json",
                    e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        String modelType = string(json, "model_type", null, file);
        if (modelType == null) throw new IllegalArgumentException(file + " has no model_type: expected \"gpt2\"");
        if (!modelType.equals("gpt2")) {
            throw new IllegalArgumentException(file + " has model_type \"" + modelType
                    + "\": expected \"gpt2\" (this loader reads the GPT-2 family:"
                    + " gpt2, gpt2-medium/large/xl, distilgpt2, and models trained from them)");
        }
        int embed = positive(json, "n_embd", file);
        int heads = positive(json, "n_head", file);
        int layers = positive(json, "n_layer", file);
        int vocab = positive(json, "vocab_size", file);
        int positions = json.has("n_positions") ? positive(json, "n_positions", file) : positive(json, "n_ctx", file);
        if (embed % heads != 0)
            throw new IllegalArgumentException(file + " has n_embd " + embed + ", not divisible by n_head " + heads);
        if (json.has("n_inner") && !json.get("n_inner").isJsonNull() && integer(json, "n_inner", file) != 4L * embed) {
            throw new IllegalArgumentException(file + " has n_inner " + json.get("n_inner") + ": expected null or "
                    + 4 * embed + " (4 × n_embd, the course model's feed-forward width)");
        }
        String activation = string(json, "activation_function", "gelu_new", file); // GPT2Config's default
        FeedForward.Activation act = switch (activation) {
            case "gelu" -> FeedForward.Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> FeedForward.Activation.GELU_TANH;
            default ->
                throw new IllegalArgumentException(file + " has activation_function \"" + activation
                        + "\": expected \"gelu_new\" or \"gelu_pytorch_tanh\" (GPT-2's tanh GELU) or \"gelu\" (exact)");
        };
        double epsilon = number(json, "layer_norm_epsilon", LAYER_NORM_EPSILON, file);
        if ((float) epsilon != LAYER_NORM_EPSILON) {
            throw new IllegalArgumentException(file + " has layer_norm_epsilon " + epsilon
                    + ": expected 1e-05 (the course's layer norm, DJL's default, and GPT-2's)");
        }
        requireFlag(json, "scale_attn_weights", true, file, "the course's attention always divides scores by √d");
        requireFlag(
                json,
                "scale_attn_by_inverse_layer_idx",
                false,
                file,
                "the course's attention does not scale scores by layer");
        requireFlag(json, "add_cross_attention", false, file, "a GPT has self-attention only");
        boolean tied = flag(json, "tie_word_embeddings", true, file);
        double dropout = number(json, "resid_pdrop", 0.1, file);
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException(file + " has resid_pdrop " + dropout + ": expected a rate in [0, 1)");
        return new GptConfig(vocab, positions, layers, heads, embed, (float) dropout, tied, act);
    }

    /** A new model on {@code manager} with the folder's configuration and weights. */
    public static Gpt load(Path folder, NDManager manager) throws IOException {
        GptConfig config = readConfig(folder);
        try (Safetensors weights = openWeights(folder)) {
            checkTensors(weights, config, folder); // before building a model that could be large
        }
        Gpt model = new Gpt(config).initialize(manager);
        loadWeights(folder, model);
        return model;
    }

    /**
     * Copies the folder's weights into {@code model}, which must have the folder's configuration
     * (dropout aside). Everything is checked before the first weight is written.
     *
     * @throws IllegalArgumentException naming the field or tensor, when the folder does not match
     */
    public static void loadWeights(Path folder, Gpt model) throws IOException {
        if (LoraAdapters.present(model))
            throw new IllegalArgumentException(
                    "this model has LoRA adapters: load GPT-2 weights into a plain Gpt, then attach adapters");
        GptConfig config = readConfig(folder);
        if (!config.withDropout(model.config().dropout()).equals(model.config())) {
            throw new IllegalArgumentException(folder.resolve(CONFIG) + " describes " + config + " but the model is "
                    + model.config() + ": build the model from Gpt2Folder.readConfig(folder)");
        }
        try (Safetensors weights = openWeights(folder)) {
            Map<String, String> names = checkTensors(weights, config, folder);
            for (Slot s : slots(config, model)) {
                Safetensors.Tensor t = weights.read(names.get(s.name()));
                float[] values = t.values();
                if (s.transposed()) values = transpose(values, (int) s.shape()[0], (int) s.shape()[1]);
                Tensors.overwrite(s.weight(), values);
            }
            if (config.tieWeights() && names.containsKey("lm_head.weight")) {
                Safetensors.Tensor head = weights.read(names.get("lm_head.weight")),
                        embedding = weights.read(names.get("wte.weight"));
                if (!Arrays.equals(head.values(), embedding.values())) {
                    throw new IllegalArgumentException(
                            weights.file() + " has an lm_head.weight that differs from wte.weight, but " + CONFIG
                                    + " ties them (tie_word_embeddings true): set it to false to load the separate head");
                }
            }
        }
    }

    /** The folder's tokenizer.json as a course {@link Tokenizer}, encoded by Hugging Face's tokenizers library. */
    public static Tokenizer tokenizer(Path folder) {
        return HuggingFaceTokenizers.asTokenizer(folder.resolve(TOKENIZER));
    }

    // ---- the mapping ----

    /**
     * Every GPT-2 tensor of a model of {@code config}'s shape, with the course weight it is (when
     * {@code model} is given; null otherwise): the one table both directions use. Names are bare
     * (see the class comment for the {@code transformer.} prefix).
     */
    private static List<Slot> slots(GptConfig c, Gpt model) {
        long v = c.vocabSize(), p = c.blockSize(), e = c.embedDim(), h = 4L * e;
        List<Slot> slots = new ArrayList<>();
        slots.add(new Slot(
                "wte.weight",
                new long[] {v, e},
                model == null ? null : model.tokenEmbeddings(),
                false,
                "the token embedding (vocab_size × n_embd)"));
        slots.add(new Slot(
                "wpe.weight",
                new long[] {p, e},
                model == null ? null : model.positionEmbeddings(),
                false,
                "the position embedding (n_positions × n_embd)"));
        for (int i = 0; i < c.layers(); i++) {
            TransformerBlock block = model == null ? null : model.blocks().get(i);
            MultiHeadAttention attention = block == null ? null : block.attention();
            FeedForward ff = block == null ? null : block.feedForward();
            String n = "h." + i + ".", layer = "layer " + i + "'s ";
            norm(slots, n + "ln_1", block == null ? null : block.norm1(), e, layer + "first layer norm");
            conv(
                    slots,
                    n + "attn.c_attn",
                    attention == null ? null : attention.linear("qkv"),
                    e,
                    3 * e,
                    layer + "fused query/key/value projection (n_embd × 3·n_embd)");
            conv(
                    slots,
                    n + "attn.c_proj",
                    attention == null ? null : attention.linear("projection"),
                    e,
                    e,
                    layer + "attention output projection (n_embd × n_embd)");
            norm(slots, n + "ln_2", block == null ? null : block.norm2(), e, layer + "second layer norm");
            conv(
                    slots,
                    n + "mlp.c_fc",
                    ff == null ? null : ff.linear("up"),
                    e,
                    h,
                    layer + "feed-forward up-projection (n_embd × 4·n_embd)");
            conv(
                    slots,
                    n + "mlp.c_proj",
                    ff == null ? null : ff.linear("down"),
                    h,
                    e,
                    layer + "feed-forward down-projection (4·n_embd × n_embd)");
        }
        norm(slots, "ln_f", model == null ? null : model.finalNorm(), e, "the final layer norm");
        if (!c.tieWeights())
            slots.add(new Slot(
                    "lm_head.weight",
                    new long[] {v, e},
                    model == null ? null : model.outputWeights(),
                    false,
                    "the output head (vocab_size × n_embd)"));
        return slots;
    }

    /** A layer norm: weight (its scale, DJL's gamma) and bias (its shift, beta), both [n_embd]. */
    private static void norm(List<Slot> slots, String name, LayerNorm norm, long e, String role) {
        slots.add(new Slot(
                name + ".weight",
                new long[] {e},
                norm == null ? null : norm.getParameters().get("gamma").getArray(),
                false,
                role + "'s scale (n_embd)"));
        slots.add(new Slot(
                name + ".bias",
                new long[] {e},
                norm == null ? null : norm.getParameters().get("beta").getArray(),
                false,
                role + "'s shift (n_embd)"));
    }

    /** A Conv1D: weight [in, out] (the course Linear's (out, in) transposed), bias [out]. */
    private static void conv(List<Slot> slots, String name, Block layer, long in, long out, String role) {
        slots.add(new Slot(
                name + ".weight",
                new long[] {in, out},
                layer == null ? null : LinearLayers.weight(layer),
                true,
                role + ", Conv1D [in, out]"));
        slots.add(new Slot(
                name + ".bias",
                new long[] {out},
                layer == null ? null : layer.getParameters().get("bias").getArray(),
                false,
                role.replaceFirst(" \\(.*", "") + "'s bias"));
    }

    /**
     * Checks the file holds exactly the tensors {@code config} needs, with their shapes, in a type
     * this reader converts; returns the file's name for each (bare) GPT-2 name.
     */
    private static Map<String, String> checkTensors(Safetensors weights, GptConfig config, Path folder) {
        Map<String, Slot> expected = new LinkedHashMap<>();
        for (Slot s : slots(config, null)) expected.put(s.name(), s);
        Map<String, String> names = new LinkedHashMap<>(); // bare name -> the file's name
        for (String stored : weights.names()) {
            String bare = stored.startsWith(BODY_PREFIX) ? stored.substring(BODY_PREFIX.length()) : stored;
            if (BUFFER.matcher(bare).matches()) continue;
            if (bare.equals("lm_head.weight") && config.tieWeights()) {
                names.put(bare, stored); // a tied head stored anyway: checked against wte when loading
                continue;
            }
            if (!expected.containsKey(bare)) {
                throw new IllegalArgumentException(weights.file() + " has an unexpected tensor '" + stored
                        + "': a GPT-2 with " + folder.resolve(CONFIG) + "'s n_layer " + config.layers()
                        + " and tie_word_embeddings " + config.tieWeights() + " has no such weight");
            }
            if (names.put(bare, stored) != null)
                throw new IllegalArgumentException(
                        weights.file() + " holds '" + bare + "' twice (with and without 'transformer.')");
        }
        for (Slot s : expected.values()) {
            String stored = names.get(s.name());
            if (stored == null) {
                throw new IllegalArgumentException(weights.file() + " has no tensor '" + s.name() + "' (" + s.role()
                        + ", expected shape " + Arrays.toString(s.shape()) + ")");
            }
            Safetensors.Entry entry = weights.entry(stored);
            if (!Arrays.equals(entry.shape(), s.shape())) {
                throw new IllegalArgumentException(weights.file() + ": tensor '" + stored + "' has shape "
                        + Arrays.toString(entry.shape()) + " but " + CONFIG
                        + " (vocab_size " + config.vocabSize() + ", n_positions " + config.blockSize() + ", n_embd "
                        + config.embedDim() + ") needs "
                        + Arrays.toString(s.shape()) + " for " + s.role());
            }
            if (!entry.dtype().floating16or32()) {
                throw new IllegalArgumentException(weights.file() + ": tensor '" + stored + "' is " + entry.dtype()
                        + "; weights must be F32, F16 or BF16");
            }
        }
        if (config.tieWeights() && names.containsKey("lm_head.weight")) {
            Safetensors.Entry head = weights.entry(names.get("lm_head.weight"));
            if (!Arrays.equals(head.shape(), new long[] {config.vocabSize(), config.embedDim()})) {
                throw new IllegalArgumentException(
                        weights.file() + ": tensor '" + head.name() + "' has shape " + Arrays.toString(head.shape())
                                + " but the output head is [" + config.vocabSize() + ", " + config.embedDim() + "]");
            }
        }
        return names;
    }

    private static Safetensors openWeights(Path folder) throws IOException {
        Path file = folder.resolve(WEIGHTS);
        if (!Files.exists(file)) {
            String why = Files.exists(folder.resolve(WEIGHTS + ".index.json"))
                    ? ": the weights are sharded (model.safetensors.index.json), which this loader does not read; save the model as one file"
                    : Files.exists(folder.resolve("pytorch_model.bin"))
                            ? ": only pytorch_model.bin is there (a pickle, which can run code when loaded); convert it to safetensors first"
                            : "";
            throw new IllegalArgumentException("no " + WEIGHTS + " in " + folder.toAbsolutePath() + why);
        }
        return Safetensors.open(file);
    }

    // ---- small helpers ----

    static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int c = 0; c < cols; c++) out[c * rows + r] = values[from + c];
        }
        return out;
    }

    private static void writeJson(Path file, JsonObject json) throws IOException {
        AtomicFiles.write(
                file,
                new GsonBuilder()
                                .serializeNulls()
                                .setPrettyPrinting()
                                .disableHtmlEscaping()
                                .create()
                                .toJson(json) + "\n");
    }

    private static String string(JsonObject json, String key, String fallback, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) return fallback;
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString())
            throw new IllegalArgumentException(file + " has " + key + " " + e + ": expected a string");
        return e.getAsString();
    }

    private static long integer(JsonObject json, String key, Path file) {
        JsonElement e = json.get(key);
        try {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber())
                throw new NumberFormatException();
            return Long.parseLong(e.getAsString());
        } catch (NumberFormatException notInteger) {
            throw new IllegalArgumentException(
                    file + (e == null ? " has no " + key : " has " + key + " " + e) + ": expected a whole number");
        }
    }

    private static int positive(JsonObject json, String key, Path file) {
        long v = integer(json, key, file);
        if (v < 1 || v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(file + " has " + key + " " + v + ": expected a positive size");
        return (int) v;
    }

    private static double number(JsonObject json, String key, double fallback, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) return fallback;
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber())
            throw new IllegalArgumentException(file + " has " + key + " " + e + ": expected a number");
        return e.getAsDouble();
    }

    private static boolean flag(JsonObject json, String key, boolean fallback, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) return fallback;
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean())
            throw new IllegalArgumentException(file + " has " + key + " " + e + ": expected true or false");
        return e.getAsBoolean();
    }

    private static void requireFlag(JsonObject json, String key, boolean required, Path file, String why) {
        if (flag(json, key, required, file) != required)
            throw new IllegalArgumentException(
                    file + " has " + key + " " + !required + ": expected " + required + " (" + why + ")");
    }
}

package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.Safetensors;
import fasttrack.io.AtomicFiles;
import fasttrack.tensors.Tensors;
import fasttrack.text.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A course {@link Llama} as a Hugging Face folder and back: {@code LlamaForCausalLM} when dense,
 * {@code MixtralForCausalLM} when its blocks hold a mixture of experts. {@code config.json},
 * {@code model.safetensors} (float32) and {@code tokenizer.json}.
 * <pre>
 *   course Llama                               Hugging Face                                            shape
 *   tokens                                     model.embed_tokens.weight                              (V, C)
 *   block i attentionNorm                      model.layers.i.input_layernorm.weight                   (C)
 *   block i attention query/key/value/output   model.layers.i.self_attn.{q,k,v,o}_proj.weight         (H·d, C) (K·d, C) (K·d, C) (C, H·d)
 *   block i feedForwardNorm                    model.layers.i.post_attention_layernorm.weight          (C)
 *   block i feedForward gate/up/down           model.layers.i.mlp.{gate,up,down}_proj.weight           (F, C) (F, C) (C, F)
 *   block i mixture router                     model.layers.i.block_sparse_moe.gate.weight             (E, C)
 *   block i mixture expert e gate/down/up      model.layers.i.block_sparse_moe.experts.e.w1/w2/w3.weight   (F, C) (C, F) (F, C)
 *   finalNorm                                  model.norm.weight                                       (C)
 *   head (unless tied)                         lm_head.weight                                          (V, C)
 * </pre>
 * Linear weights keep their (out, in) layout: no transposes, unlike GPT-2's Conv1D. What a folder cannot
 * say is which RoPE layout the weights assume: a {@code LlamaForCausalLM} always rotates halves
 * ({@link Rope.Layout#HALF}). A model trained with interleaved pairs is written with its query and key
 * rows reordered within each head ({@link Rope#interleavedToHalf}), so the folder computes the same
 * function; reading always gives a HALF model.
 */
public final class LlamaFolder {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";

    private LlamaFolder() {}

    /** One tensor of the mapping: its Hugging Face name, shape, and the course weight (null when only the layout is wanted). */
    private record Slot(String name, long[] shape, NDArray weight, boolean rotated) {}

    /**
     * Writes {@code model} and {@code chars} as a Hugging Face folder (each file atomically); returns the folder.
     * The character tokenizer has no begin/end-of-text tokens; its unknown token's id is written as
     * {@code bos_token_id} and {@code eos_token_id}, which Jlama 0.8.4 requires as numbers (nothing here uses them).
     */
    public static Path save(Llama model, CharTokenizer chars, Path folder) throws IOException {
        if (chars.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + chars.vocabSize() + " tokens but the model only "
                    + model.config().vocabSize());
        }
        Files.createDirectories(folder);
        Safetensors.write(folder.resolve(WEIGHTS), tensors(model), Safetensors.DType.F32, Map.of("format", "pt"));
        writeJson(folder.resolve(CONFIG), configJson(model.config(), chars.unknownId()));
        chars.saveTokenizerJson(folder.resolve(TOKENIZER));
        return folder;
    }

    /**
     * The weights under Hugging Face's names, float32 copies in the half-rotation layout: what {@link #save}
     * writes. An interleaved model's W_q and W_k rows are reordered here.
     */
    public static Map<String, Safetensors.Tensor> tensors(Llama model) {
        LlamaConfig c = model.config();
        if (c.norm() != LlamaConfig.Norm.RMS)
            throw new IllegalArgumentException(
                    "a LlamaForCausalLM has RMSNorms; this model uses LayerNorm (LlamaConfig.Norm.LAYER)");
        int[] perm = c.ropeLayout() == Rope.Layout.INTERLEAVED ? Rope.interleavedToHalf(c.headDim()) : null;
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        for (Slot s : slots(c, model)) {
            float[] values = Tensors.floats(s.weight());
            if (s.rotated() && perm != null)
                values = Rope.permuteRows(values, (int) s.shape()[0], (int) s.shape()[1], perm);
            out.put(s.name(), new Safetensors.Tensor(s.shape(), values));
        }
        return out;
    }

    /** The config.json of a {@code LlamaForCausalLM} (or {@code MixtralForCausalLM}) of this shape, Hugging Face's field names. */
    public static JsonObject configJson(LlamaConfig c, int bosEos) {
        JsonObject json = new JsonObject();
        boolean moe = c.isMixture();
        json.add("architectures", JsonParser.parseString(moe ? "[\"MixtralForCausalLM\"]" : "[\"LlamaForCausalLM\"]"));
        json.addProperty("model_type", moe ? "mixtral" : "llama");
        json.addProperty("vocab_size", c.vocabSize());
        json.addProperty("hidden_size", c.embedDim());
        json.addProperty("intermediate_size", c.hidden());
        json.addProperty("num_hidden_layers", c.layers());
        json.addProperty("num_attention_heads", c.heads());
        json.addProperty("num_key_value_heads", c.kvHeads());
        json.addProperty("head_dim", c.headDim());
        json.addProperty("hidden_act", "silu");
        json.addProperty("max_position_embeddings", c.blockSize());
        json.addProperty(
                "rms_norm_eps", Double.parseDouble(Float.toString(c.normEpsilon()))); // 1e-05, not 9.99999974e-06
        json.addProperty("rope_theta", c.ropeBase());
        json.add("rope_scaling", JsonNull.INSTANCE);
        json.addProperty("attention_bias", false);
        json.addProperty("attention_dropout", 0.0);
        if (moe) {
            json.addProperty("num_local_experts", c.experts());
            json.addProperty("num_experts_per_tok", c.expertsPerToken());
            json.addProperty("router_aux_loss_coef", 0.02);
            json.addProperty("output_router_logits", false);
            json.add("sliding_window", JsonNull.INSTANCE);
        } else {
            json.addProperty("mlp_bias", false);
            json.addProperty("pretraining_tp", 1);
        }
        json.addProperty("tie_word_embeddings", c.tieWeights());
        json.addProperty("bos_token_id", bosEos);
        json.addProperty("eos_token_id", bosEos);
        json.addProperty("initializer_range", 0.02);
        json.addProperty("torch_dtype", "float32");
        json.addProperty("use_cache", true);
        return json;
    }

    /**
     * The course configuration of the Llama or Mixtral folder (layout HALF, what every such folder holds).
     *
     * @throws IllegalArgumentException naming the field, for another model type or an option the course model does not compute
     */
    public static LlamaConfig readConfig(Path folder) throws IOException {
        Path file = folder.resolve(CONFIG);
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no " + CONFIG + " in " + folder.toAbsolutePath(), e);
        }
        String type = json.has("model_type") ? json.get("model_type").getAsString() : null;
        if (!"llama".equals(type) && !"mixtral".equals(type)) {
            throw new IllegalArgumentException(
                    file + " has model_type " + type + ": expected \"llama\" or \"mixtral\"");
        }
        if (json.has("hidden_act") && !json.get("hidden_act").getAsString().equals("silu")) {
            throw new IllegalArgumentException(
                    file + " has hidden_act " + json.get("hidden_act") + ": the course's SwiGLU uses \"silu\"");
        }
        JsonElement scaling = json.get("rope_scaling");
        if (scaling != null && !scaling.isJsonNull())
            throw new IllegalArgumentException(
                    file + " has rope_scaling " + scaling + ": the course's RoPE has no scaling");
        for (String flag : List.of("attention_bias", "mlp_bias")) {
            if (json.has(flag) && json.get(flag).getAsBoolean())
                throw new IllegalArgumentException(file + " has " + flag + " true: the course's Llama has no biases");
        }
        int heads = integer(json, "num_attention_heads", file), embed = integer(json, "hidden_size", file);
        int kv = json.has("num_key_value_heads") ? integer(json, "num_key_value_heads", file) : heads;
        if (json.has("head_dim")
                && !json.get("head_dim").isJsonNull()
                && integer(json, "head_dim", file) * heads != embed) {
            throw new IllegalArgumentException(file + " has head_dim " + json.get("head_dim")
                    + " but hidden_size / num_attention_heads is " + embed / heads);
        }
        double base = json.has("rope_theta") ? json.get("rope_theta").getAsDouble() : 10_000;
        boolean tied = json.has("tie_word_embeddings")
                && json.get("tie_word_embeddings").getAsBoolean();
        int experts = "mixtral".equals(type) ? integer(json, "num_local_experts", file) : 0;
        int perToken = "mixtral".equals(type) ? integer(json, "num_experts_per_tok", file) : 0;
        return new LlamaConfig(
                integer(json, "vocab_size", file),
                integer(json, "max_position_embeddings", file),
                integer(json, "num_hidden_layers", file),
                heads,
                kv,
                embed,
                integer(json, "intermediate_size", file),
                base,
                json.get("rms_norm_eps").getAsFloat(),
                Rope.Layout.HALF,
                tied,
                experts,
                perToken);
    }

    /** A new model on {@code manager} with the folder's configuration and weights, every name and shape checked first. */
    public static Llama load(Path folder, NDManager manager) throws IOException {
        LlamaConfig config = readConfig(folder);
        Llama model = new Llama(config).initialize(manager);
        try (Safetensors file = Safetensors.open(folder.resolve(WEIGHTS))) {
            List<Slot> slots = slots(config, model);
            List<String> expected = slots.stream().map(Slot::name).toList();
            for (String name : file.names()) {
                if (!expected.contains(name))
                    throw new IllegalArgumentException(
                            file.file() + " has an unexpected tensor '" + name + "' for " + config);
            }
            for (Slot s : slots) {
                if (!file.contains(s.name()))
                    throw new IllegalArgumentException(file.file() + " has no tensor '" + s.name() + "' (shape "
                            + Arrays.toString(s.shape()) + ")");
                if (!Arrays.equals(file.entry(s.name()).shape(), s.shape())) {
                    throw new IllegalArgumentException(file.file() + ": '" + s.name() + "' has shape "
                            + Arrays.toString(file.entry(s.name()).shape()) + ", the config needs "
                            + Arrays.toString(s.shape()));
                }
            }
            for (Slot s : slots)
                Tensors.overwrite(s.weight(), file.read(s.name()).values());
        }
        return model;
    }

    /** Every tensor of a model of this shape, with the course weight it is. */
    private static List<Slot> slots(LlamaConfig c, Llama model) {
        long v = c.vocabSize(),
                e = c.embedDim(),
                f = c.hidden(),
                q = (long) c.heads() * c.headDim(),
                kv = (long) c.kvHeads() * c.headDim();
        List<Slot> slots = new ArrayList<>();
        slots.add(new Slot("model.embed_tokens.weight", new long[] {v, e}, model.tokenEmbeddings(), false));
        for (int i = 0; i < c.layers(); i++) {
            LlamaBlock b = model.blocks().get(i);
            String n = "model.layers." + i + ".";
            slots.add(new Slot(
                    n + "input_layernorm.weight",
                    new long[] {e},
                    b.attentionNorm().weight(),
                    false));
            GroupedQueryAttention a = b.attention();
            slots.add(new Slot(n + "self_attn.q_proj.weight", new long[] {q, e}, a.queryWeight(), true));
            slots.add(new Slot(n + "self_attn.k_proj.weight", new long[] {kv, e}, a.keyWeight(), true));
            slots.add(new Slot(n + "self_attn.v_proj.weight", new long[] {kv, e}, a.valueWeight(), false));
            slots.add(new Slot(n + "self_attn.o_proj.weight", new long[] {e, q}, a.outputWeight(), false));
            slots.add(new Slot(
                    n + "post_attention_layernorm.weight",
                    new long[] {e},
                    b.feedForwardNorm().weight(),
                    false));
            if (b.mixture() == null) {
                SwiGlu ff = b.feedForward();
                slots.add(new Slot(n + "mlp.gate_proj.weight", new long[] {f, e}, ff.gateWeight(), false));
                slots.add(new Slot(n + "mlp.up_proj.weight", new long[] {f, e}, ff.upWeight(), false));
                slots.add(new Slot(n + "mlp.down_proj.weight", new long[] {e, f}, ff.downWeight(), false));
            } else {
                MixtureOfExperts moe = b.mixture();
                slots.add(new Slot(
                        n + "block_sparse_moe.gate.weight", new long[] {moe.experts(), e}, moe.routerWeight(), false));
                for (int x = 0; x < moe.experts(); x++) {
                    String p = n + "block_sparse_moe.experts." + x + ".";
                    SwiGlu ff = moe.expert(x);
                    slots.add(new Slot(p + "w1.weight", new long[] {f, e}, ff.gateWeight(), false));
                    slots.add(new Slot(p + "w2.weight", new long[] {e, f}, ff.downWeight(), false));
                    slots.add(new Slot(p + "w3.weight", new long[] {f, e}, ff.upWeight(), false));
                }
            }
        }
        slots.add(
                new Slot("model.norm.weight", new long[] {e}, model.finalNorm().weight(), false));
        if (!c.tieWeights()) slots.add(new Slot("lm_head.weight", new long[] {v, e}, model.outputWeights(), false));
        return slots;
    }

    private static int integer(JsonObject json, String key, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) throw new IllegalArgumentException(file + " has no " + key);
        return json.get(key).getAsInt();
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
}

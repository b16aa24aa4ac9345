package fasttrack.llama;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.JlamaReference;
import fasttrack.hub.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second, independent implementation of what a Hugging Face {@code LlamaForCausalLM} or
 * {@code MixtralForCausalLM} folder computes: plain Java loops over the folder's own tensors (read
 * by name from model.safetensors, config from config.json), one token at a time with a KV cache,
 * double-precision sums. It shares no code with {@link Llama} (not its RoPE, norms, attention or
 * routing), so agreement between the two checks the model and the export at once.
 *
 * <p>{@code weightedExperts = false} computes what Jlama 0.8.4's {@code MoEBlock} does instead of
 * Mixtral's mixture: the chosen experts' outputs summed with weight 1 each.
 */
public final class PlainLlama {

    private final int vocab, embed, layers, heads, kvHeads, headDim, experts, perToken;
    private final double epsilon, base;
    private final boolean weightedExperts;
    private final Map<String, Safetensors.Tensor> w;
    private final float[] head;

    private PlainLlama(Path folder, boolean weightedExperts) throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(folder.resolve(LlamaFolder.CONFIG)))
                .getAsJsonObject();
        vocab = c.get("vocab_size").getAsInt();
        embed = c.get("hidden_size").getAsInt();
        layers = c.get("num_hidden_layers").getAsInt();
        heads = c.get("num_attention_heads").getAsInt();
        kvHeads = c.get("num_key_value_heads").getAsInt();
        headDim = embed / heads;
        epsilon = c.get("rms_norm_eps").getAsDouble();
        base = c.get("rope_theta").getAsDouble();
        boolean moe = c.get("model_type").getAsString().equals("mixtral");
        experts = moe ? c.get("num_local_experts").getAsInt() : 0;
        perToken = moe ? c.get("num_experts_per_tok").getAsInt() : 0;
        this.weightedExperts = weightedExperts;
        w = Safetensors.readAll(folder.resolve(LlamaFolder.WEIGHTS));
        head = (w.containsKey("lm_head.weight") ? w.get("lm_head.weight") : w.get("model.embed_tokens.weight"))
                .values();
    }

    /** The folder's model, as Hugging Face computes it. */
    public static PlainLlama load(Path folder) throws IOException {
        return new PlainLlama(folder, true);
    }

    /** The folder's model with the chosen experts summed unweighted (Jlama 0.8.4's MoEBlock), for a Mixtral folder. */
    public static PlainLlama loadUnweightedExperts(Path folder) throws IOException {
        return new PlainLlama(folder, false);
    }

    /** For each prompt, the next-token distribution after every position and {@code greedySteps} greedy tokens: what Jlama's check gives. */
    public List<JlamaReference.Prompt> run(List<int[]> prompts, int greedySteps) {
        List<JlamaReference.Prompt> out = new ArrayList<>();
        for (int[] ids : prompts) {
            int total = ids.length + greedySteps;
            float[][][] keys = new float[layers][total][], values = new float[layers][total][];
            float[][] probabilities = new float[ids.length][];
            float[] last = null;
            for (int p = 0; p < ids.length; p++) probabilities[p] = last = softmax(step(ids[p], p, keys, values));
            int[] greedy = new int[greedySteps];
            for (int s = 0; s < greedySteps; s++) {
                greedy[s] = argmax(last);
                if (s + 1 < greedySteps) last = softmax(step(greedy[s], ids.length + s, keys, values));
            }
            out.add(new JlamaReference.Prompt(ids, probabilities, greedy));
        }
        return out;
    }

    /** One token through the model at {@code pos}; its keys and values join the cache; returns the logits. */
    private float[] step(int token, int pos, float[][][] keys, float[][][] values) {
        float[] x = row(w.get("model.embed_tokens.weight").values(), token, embed);
        for (int l = 0; l < layers; l++) {
            String n = "model.layers." + l + ".";
            float[] h = rmsNorm(x, get(n + "input_layernorm.weight"));
            float[] q = matVec(get(n + "self_attn.q_proj.weight"), h),
                    k = matVec(get(n + "self_attn.k_proj.weight"), h);
            float[] v = matVec(get(n + "self_attn.v_proj.weight"), h);
            rotateHalf(q, heads, pos);
            rotateHalf(k, kvHeads, pos);
            keys[l][pos] = k;
            values[l][pos] = v;
            float[] attended = new float[heads * headDim];
            int group = heads / kvHeads;
            for (int hd = 0; hd < heads; hd++) {
                int g = hd / group;
                double[] scores = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int s = 0; s <= pos; s++) {
                    double dot = 0;
                    for (int i = 0; i < headDim; i++) dot += q[hd * headDim + i] * keys[l][s][g * headDim + i];
                    scores[s] = dot / Math.sqrt(headDim);
                    max = Math.max(max, scores[s]);
                }
                for (int s = 0; s <= pos; s++) sum += scores[s] = Math.exp(scores[s] - max);
                for (int i = 0; i < headDim; i++) {
                    double o = 0;
                    for (int s = 0; s <= pos; s++) o += scores[s] / sum * values[l][s][g * headDim + i];
                    attended[hd * headDim + i] = (float) o;
                }
            }
            add(x, matVec(get(n + "self_attn.o_proj.weight"), attended));
            float[] h2 = rmsNorm(x, get(n + "post_attention_layernorm.weight"));
            if (experts == 0) {
                add(x, swiglu(h2, n + "mlp.gate_proj.weight", n + "mlp.up_proj.weight", n + "mlp.down_proj.weight", 1));
                continue;
            }
            float[] p = softmax(matVec(get(n + "block_sparse_moe.gate.weight"), h2));
            int[] chosen = topK(p, perToken);
            double kept = 0;
            for (int e : chosen) kept += p[e];
            for (int e : chosen) {
                String m = n + "block_sparse_moe.experts." + e + ".";
                add(
                        x,
                        swiglu(
                                h2,
                                m + "w1.weight",
                                m + "w3.weight",
                                m + "w2.weight",
                                weightedExperts ? p[e] / kept : 1));
            }
        }
        return matVec(head, rmsNorm(x, get("model.norm.weight")), vocab, embed);
    }

    /** Hugging Face's rotate_half RoPE on each of {@code n} heads of v, in place: dimension i pairs with i + d/2. */
    private void rotateHalf(float[] v, int n, int pos) {
        int half = headDim / 2;
        for (int hd = 0; hd < n; hd++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(base, -2.0 * i / headDim), c = Math.cos(angle), s = Math.sin(angle);
                int a = hd * headDim + i, b = a + half;
                double x = v[a], y = v[b];
                v[a] = (float) (x * c - y * s);
                v[b] = (float) (x * s + y * c);
            }
        }
    }

    /** w_down · (SiLU(w_gate·x) ⊙ w_up·x), times {@code scale}. */
    private float[] swiglu(float[] x, String gate, String up, String down, double scale) {
        float[] g = matVec(get(gate), x), u = matVec(get(up), x);
        for (int i = 0; i < g.length; i++) g[i] = (float) (g[i] / (1 + Math.exp(-g[i])) * u[i]);
        float[] out = matVec(get(down), g);
        for (int i = 0; i < out.length; i++) out[i] = (float) (out[i] * scale);
        return out;
    }

    private float[] rmsNorm(float[] x, Safetensors.Tensor weight) {
        double ss = 0;
        for (float v : x) ss += (double) v * v;
        double r = 1 / Math.sqrt(ss / x.length + epsilon);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) (x[i] * r * weight.values()[i]);
        return out;
    }

    private Safetensors.Tensor get(String name) {
        Safetensors.Tensor t = w.get(name);
        if (t == null) throw new IllegalArgumentException("the folder has no tensor " + name);
        return t;
    }

    private static float[] matVec(Safetensors.Tensor m, float[] x) {
        return matVec(m.values(), x, (int) m.shape()[0], (int) m.shape()[1]);
    }

    private static float[] matVec(float[] m, float[] x, int rows, int cols) {
        if (x.length != cols)
            throw new IllegalArgumentException("a (" + rows + ", " + cols + ") matrix times a vector of " + x.length);
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) s += (double) m[r * cols + c] * x[c];
            out[r] = (float) s;
        }
        return out;
    }

    private static float[] row(float[] table, int r, int width) {
        float[] out = new float[width];
        System.arraycopy(table, r * width, out, 0, width);
        return out;
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) x[i] += y[i];
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l);
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) sum += e[i] = Math.exp(logits[i] - max);
        float[] out = new float[e.length];
        for (int i = 0; i < e.length; i++) out[i] = (float) (e[i] / sum);
        return out;
    }

    /** The k largest entries' indices, largest first (the lower index on a tie). */
    static int[] topK(float[] p, int k) {
        int[] chosen = new int[k];
        boolean[] taken = new boolean[p.length];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) if (!taken[i] && (best < 0 || p[i] > p[best])) best = i;
            taken[best] = true;
            chosen[j] = best;
        }
        return chosen;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import fasttrack.nn.Attention;
import fasttrack.nn.KvCache;

/**
 * Causal self-attention with grouped-query heads (Ainslie et al. 2023, "GQA") and rotary
 * positions: H query heads share K key/value heads, each K/V head serving a group of H/K
 * consecutive query heads (query head h reads K/V head ⌊h / (H/K)⌋).
 * <pre>
 *   q = RoPE(x W_qᵀ)      (B, H, T, d)
 *   k = RoPE(x W_kᵀ), v = x W_vᵀ      (B, K, T, d): only K heads computed, and cached
 *   each K/V head repeated H/K times → (B, H, T, d); softmax(q kᵀ/√d + causal mask) v; merge; W_o
 * </pre>
 * K = H is ordinary multi-head attention, K = 1 multi-query attention (Shazeer 2019). The point is
 * the KV cache: it holds K heads, not H, so decoding reads H/K times fewer bytes per token. No
 * biases, as in Llama; Hugging Face names the four {@code q_proj}, {@code k_proj}, {@code v_proj},
 * {@code o_proj}.
 */
public final class GroupedQueryAttention extends AbstractBlock {

    private final int embedDim;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Rope rope;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    /**
     * @param embedDim C, divisible by {@code heads}
     * @param heads    query heads H
     * @param kvHeads  key/value heads K, dividing H
     * @param rope     the rotation for the head size C/H
     */
    public GroupedQueryAttention(int embedDim, int heads, int kvHeads, Rope rope) {
        requireShape(embedDim, heads, kvHeads);
        if (rope == null || rope.headDim() != embedDim / heads) {
            throw new IllegalArgumentException(
                    "RoPE must be built for the head size " + embedDim / heads + " (C / heads), got " + rope);
        }
        this.embedDim = embedDim;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = embedDim / heads;
        this.rope = rope;
        query = addChildBlock(
                "query",
                Linear.builder().setUnits((long) heads * headDim).optBias(false).build());
        key = addChildBlock(
                "key",
                Linear.builder()
                        .setUnits((long) kvHeads * headDim)
                        .optBias(false)
                        .build());
        value = addChildBlock(
                "value",
                Linear.builder()
                        .setUnits((long) kvHeads * headDim)
                        .optBias(false)
                        .build());
        output = addChildBlock(
                "output", Linear.builder().setUnits(embedDim).optBias(false).build());
    }

    /** The refusals, one message each: what must divide what. */
    static void requireShape(int embedDim, int heads, int kvHeads) {
        if (embedDim < 1 || heads < 1 || kvHeads < 1) {
            throw new IllegalArgumentException(
                    "embedDim, heads and kvHeads must be >= 1, got " + embedDim + ", " + heads + ", " + kvHeads);
        }
        if (embedDim % heads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by heads " + heads
                    + ": every head gets embedDim / heads dimensions");
        }
        if (kvHeads > heads || heads % kvHeads != 0) {
            throw new IllegalArgumentException(
                    "kvHeads " + kvHeads + " does not divide heads " + heads
                            + ": each key/value head serves a group of heads / kvHeads query heads, so it must be a whole number (e.g. 1, 2 or 4 for 8 heads)");
        }
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    public Rope rope() {
        return rope;
    }

    /** W_q (H·d, C). */
    public NDArray queryWeight() {
        return query.getParameters().get("weight").getArray();
    }

    /** W_k (K·d, C). */
    public NDArray keyWeight() {
        return key.getParameters().get("weight").getArray();
    }

    /** W_v (K·d, C). */
    public NDArray valueWeight() {
        return value.getParameters().get("weight").getArray();
    }

    /** W_o (C, H·d). */
    public NDArray outputWeight() {
        return output.getParameters().get("weight").getArray();
    }

    /** W_q and W_o C² each, W_k and W_v C·K·d each: 2C² + 2C·K·d (no biases). */
    public static long parameterCount(int embedDim, int heads, int kvHeads) {
        requireShape(embedDim, heads, kvHeads);
        long c = embedDim, kv = (long) kvHeads * (embedDim / heads);
        return 2 * c * c + 2 * c * kv;
    }

    /**
     * Each of the K key/value heads (B, K, T, d) repeated for its group of H/K query heads: (B, H, T, d),
     * head h a copy of head ⌊h / groups⌋ (Hugging Face's {@code repeat_kv}).
     */
    public static NDArray repeatKv(NDArray kv, int groups) {
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        return groups == 1 ? kv : kv.repeat(1, groups);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null).get(0));
    }

    /**
     * x (B, t, C) gives the output (B, t, C) and the attention weights (B, H, t, S). With a cache
     * (generation only) x holds t new tokens after the {@code cache.length()} cached ones: they are
     * rotated for their true positions, their K/V heads (rotated keys) join the cache, and the
     * queries attend to every cached position.
     */
    public NDList forward(ParameterStore ps, NDArray x, boolean training, KvCache.Layer cache) {
        Shape shape = x.getShape();
        if (shape.dimension() != 3 || shape.get(2) != embedDim)
            throw new IllegalArgumentException("attention expects (batch, time, " + embedDim + "), got " + shape);
        if (cache != null && training)
            throw new IllegalArgumentException("a KV cache is for generation: call with training = false");
        long b = shape.get(0), t = shape.get(1);
        int offset = cache == null ? 0 : (int) cache.length();
        NDArray q = heads(query, ps, x, training, heads),
                k = heads(key, ps, x, training, kvHeads),
                v = heads(value, ps, x, training, kvHeads);
        q = rope.apply(q, offset);
        k = rope.apply(k, offset);
        if (cache != null) {
            NDList all = cache.append(k, v); // the K heads only: what GQA saves
            k = all.get(0);
            v = all.get(1);
        }
        int groups = heads / kvHeads;
        NDList attended = Attention.scaledDotProduct(q, repeatKv(k, groups), repeatKv(v, groups), true);
        NDArray merged = attended.get(0).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return new NDList(output.forward(ps, new NDList(merged), training).singletonOrThrow(), attended.get(1));
    }

    /** x (B, T, C) through a projection, split into n heads: (B, n, T, d). */
    private NDArray heads(Linear projection, ParameterStore ps, NDArray x, boolean training, int n) {
        long b = x.getShape().get(0), t = x.getShape().get(1);
        return projection
                .forward(ps, new NDList(x), training)
                .singletonOrThrow()
                .reshape(b, t, n, headDim)
                .transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        query.initialize(manager, dataType, inputShapes[0]);
        key.initialize(manager, dataType, inputShapes[0]);
        value.initialize(manager, dataType, inputShapes[0]);
        output.initialize(
                manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1), (long) heads * headDim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        String kind = kvHeads == heads ? "multi-head" : kvHeads == 1 ? "multi-query" : "grouped-query";
        return "GroupedQueryAttention(C=" + embedDim + ", heads=" + heads + ", kvHeads=" + kvHeads + ", " + kind + ", "
                + rope + ")";
    }
}

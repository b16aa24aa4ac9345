package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Multi-head self-attention: one linear map makes queries, keys and values for all heads at once;
 * they are split into {@code heads} slices of size d = C / heads, each head attends on its own (all
 * heads in one batched matrix product), the heads are merged back and projected.
 * Input and output: (batch, time, C). Causal attention (a GPT's) lets each position see only itself
 * and the positions before it, so a model trained to predict the next token cannot peek at it.
 */
public class MultiHeadAttention extends AbstractBlock implements LinearLayers {

    private final int embedDim;
    private final int heads;
    private final boolean causal;
    private Block qkv; // a Linear, or a LoRA-wrapped one
    private Block projection;
    private final Dropout dropout;
    private final float dropoutRate;

    public MultiHeadAttention(int embedDim, int heads, boolean causal, float dropout) {
        if (embedDim < 1 || heads < 1)
            throw new IllegalArgumentException("embedDim and heads must be >= 1, got " + embedDim + ", " + heads);
        if (embedDim % heads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by heads " + heads
                    + ": every head gets embedDim / heads dimensions");
        }
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        this.embedDim = embedDim;
        this.heads = heads;
        this.causal = causal;
        this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * embedDim).build());
        this.projection =
                addChildBlock("projection", Linear.builder().setUnits(embedDim).build());
        this.dropout =
                addChildBlock("dropout", Dropout.builder().optRate(dropout).build());
        this.dropoutRate = dropout;
    }

    public int heads() {
        return heads;
    }

    public boolean causal() {
        return causal;
    }

    @Override
    public List<String> linearNames() {
        return List.of("qkv", "projection");
    }

    @Override
    public Block linear(String name) {
        return switch (name) {
            case "qkv" -> qkv;
            case "projection" -> projection;
            default -> throw LinearLayers.unknown(name, linearNames());
        };
    }

    @Override
    public void replaceLinear(String name, Block replacement) {
        linear(name); // validates the name
        LinearLayers.replaceChild(children, name, replacement);
        if (name.equals("qkv")) qkv = replacement;
        else projection = replacement;
    }

    /** 3C·C + 3C for queries/keys/values, C·C + C for the output projection. */
    public static long parameterCount(int embedDim) {
        return 4L * embedDim * embedDim + 4L * embedDim;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null).get(0));
    }

    /**
     * The forward pass, with the attention weights and an optional KV cache: x (B, t, C) gives the
     * output (B, t, C) and every head's attention weights (B, heads, t, S).
     * <p>Without a cache ({@code null}) the t positions attend to each other (S = t). With one, x
     * holds t new tokens that follow the cached ones: their keys and values are appended to the
     * cache and the new queries attend to all S positions cached so far, which gives the outputs of
     * running the whole sequence for t new tokens' worth of work (generation only).
     */
    public NDList forward(ParameterStore ps, NDArray x, boolean training, KvCache.Layer cache) {
        requireInput(x.getShape());
        if (cache != null && training)
            throw new IllegalArgumentException("a KV cache is for generation: call with training = false");
        long b = x.getShape().get(0), t = x.getShape().get(1);
        NDList qkvHeads = splitHeads(ps, x, training);
        NDArray keys = qkvHeads.get(1), values = qkvHeads.get(2);
        if (cache != null) {
            NDList all = cache.append(keys, values); // earlier tokens' keys and values, then these
            keys = all.get(0);
            values = all.get(1);
        }
        NDList attended = Attention.scaledDotProduct(qkvHeads.get(0), keys, values, causal);
        NDArray merged = attended.get(0)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, embedDim); // (B, H, t, d) -> (B, t, H, d) -> (B, t, C)
        NDArray out = projection.forward(ps, new NDList(merged), training).singletonOrThrow();
        return new NDList(Dropouts.apply(dropout, dropoutRate, ps, out, training), attended.get(1));
    }

    /**
     * The same computation with a Java loop over heads, one attention per head: the obvious version,
     * kept to show (and test) that the batched one computes exactly this.
     */
    public NDArray forwardHeadByHead(ParameterStore ps, NDArray x) {
        requireInput(x.getShape());
        long b = x.getShape().get(0), t = x.getShape().get(1);
        NDList qkvHeads = splitHeads(ps, x, false);
        NDList outputs = new NDList();
        for (int h = 0; h < heads; h++) {
            NDIndex head = new NDIndex(":, {}", h);
            outputs.add(Attention.scaledDotProduct(
                            qkvHeads.get(0).get(head),
                            qkvHeads.get(1).get(head),
                            qkvHeads.get(2).get(head),
                            causal)
                    .get(0)); // (B, T, d)
        }
        NDArray merged = NDArrays.concat(outputs, 2); // (B, T, C)
        return projection.forward(ps, new NDList(merged), false).singletonOrThrow();
    }

    /** x (B, T, C) -> q, k, v each (B, heads, T, d). */
    private NDList splitHeads(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0), t = x.getShape().get(1);
        int d = embedDim / heads;
        NDArray all = qkv.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, T, 3C)
        NDList split = all.split(3, 2);
        NDList out = new NDList();
        for (NDArray part : split) out.add(part.reshape(b, t, heads, d).transpose(0, 2, 1, 3));
        return out;
    }

    private void requireInput(Shape shape) {
        if (shape.dimension() != 3 || shape.get(2) != embedDim) {
            throw new IllegalArgumentException("attention expects (batch, time, " + embedDim + "), got " + shape);
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        requireInput(inputShapes[0]);
        qkv.initialize(manager, dataType, inputShapes[0]);
        projection.initialize(manager, dataType, inputShapes[0]);
        dropout.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return (causal ? "Causal" : "") + "MultiHeadAttention(C=" + embedDim + ", heads=" + heads + ")";
    }
}

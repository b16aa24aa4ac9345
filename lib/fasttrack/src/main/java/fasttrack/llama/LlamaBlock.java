package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import fasttrack.nn.KvCache;

/**
 * One Llama block, pre-norm like the course's GPT block, with Llama's parts:
 * <pre>
 *   h = x + Attention(RMSNorm₁(x))        grouped-query attention with RoPE, no biases
 *   y = h + FeedForward(RMSNorm₂(h))      SwiGLU, or a mixture of SwiGLU experts
 * </pre>
 * Hugging Face's names: {@code input_layernorm}, {@code self_attn}, {@code post_attention_layernorm},
 * {@code mlp} (Mixtral: {@code block_sparse_moe}).
 */
public final class LlamaBlock extends AbstractBlock {

    private final AbstractBlock attentionNorm; // an RmsNorm, or a LayerNorm for the comparison
    private final GroupedQueryAttention attention;
    private final AbstractBlock feedForwardNorm;
    private final SwiGlu feedForward; // null in a mixture
    private final MixtureOfExperts mixture; // null when dense

    public LlamaBlock(LlamaConfig config) {
        attentionNorm = addChildBlock("attentionNorm", norm(config));
        attention = addChildBlock(
                "attention",
                new GroupedQueryAttention(config.embedDim(), config.heads(), config.kvHeads(), config.rope()));
        feedForwardNorm = addChildBlock("feedForwardNorm", norm(config));
        if (config.isMixture()) {
            feedForward = null;
            mixture = addChildBlock(
                    "mixture",
                    new MixtureOfExperts(
                            config.embedDim(), config.hidden(), config.experts(), config.expertsPerToken()));
        } else {
            feedForward = addChildBlock("feedForward", new SwiGlu(config.embedDim(), config.hidden()));
            mixture = null;
        }
    }

    /** The norm {@code config.norm()} names: an {@link RmsNorm}, or DJL's LayerNorm over the channels. */
    static AbstractBlock norm(LlamaConfig config) {
        return config.norm() == LlamaConfig.Norm.RMS
                ? new RmsNorm(config.embedDim(), config.normEpsilon())
                : LayerNorm.builder().axis(2).optEpsilon(config.normEpsilon()).build();
    }

    static RmsNorm rms(AbstractBlock norm) {
        if (norm instanceof RmsNorm rms) return rms;
        throw new IllegalStateException("this model uses LayerNorm (LlamaConfig.Norm.LAYER), not RMSNorm");
    }

    public RmsNorm attentionNorm() {
        return rms(attentionNorm);
    }

    public GroupedQueryAttention attention() {
        return attention;
    }

    public RmsNorm feedForwardNorm() {
        return rms(feedForwardNorm);
    }

    /** The dense feed-forward network (null when the block holds a mixture). */
    public SwiGlu feedForward() {
        return feedForward;
    }

    /** The mixture of experts (null when the block is dense). */
    public MixtureOfExperts mixture() {
        return mixture;
    }

    /**
     * x (B, t, C) gives the output (B, t, C), the attention weights (B, H, t, S), and for a mixture
     * its load-balancing loss and expert load (see {@link MixtureOfExperts#forward}).
     */
    public NDList forward(ParameterStore ps, NDArray x, boolean training, KvCache.Layer cache) {
        NDList attended = attention.forward(ps, norm(attentionNorm, ps, x, training), training, cache);
        NDArray h = x.add(attended.get(0));
        NDArray normed = norm(feedForwardNorm, ps, h, training);
        NDList out = new NDList();
        if (mixture == null) {
            out.add(h.add(feedForward.forward(ps, new NDList(normed), training).singletonOrThrow()));
            out.add(attended.get(1));
        } else {
            NDList mixed = mixture.forward(ps, normed, training);
            out.add(h.add(mixed.get(0)));
            out.add(attended.get(1));
            out.add(mixed.get(1));
            out.add(mixed.get(2));
        }
        return out;
    }

    private static NDArray norm(AbstractBlock norm, ParameterStore ps, NDArray x, boolean training) {
        return norm.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null).get(0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attentionNorm.initialize(manager, dataType, inputShapes[0]);
        attention.initialize(manager, dataType, inputShapes[0]);
        feedForwardNorm.initialize(manager, dataType, inputShapes[0]);
        if (mixture == null) feedForward.initialize(manager, dataType, inputShapes[0]);
        else mixture.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

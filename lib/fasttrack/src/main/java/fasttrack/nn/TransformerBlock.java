package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One transformer block: self-attention then a feed-forward network, each wrapped in a residual
 * connection and a layer norm. Pre-norm (GPT-2 onward): {@code x + f(norm(x))}, which keeps a clean
 * residual path and trains stably when deep. Post-norm (the original 2017 paper):
 * {@code norm(x + f(x))}.
 */
public final class TransformerBlock extends AbstractBlock {

    /**
     * @param embedDim C
     * @param heads    attention heads (C must divide by it)
     * @param hidden   feed-forward width, usually 4C
     * @param dropout  dropout rate after attention and feed-forward
     * @param causal   whether attention is masked to the past
     * @param preNorm  pre-norm (true) or post-norm (false)
     * @param activation the feed-forward network's GELU (exact, or GPT-2's tanh form)
     */
    public record Config(
            int embedDim,
            int heads,
            int hidden,
            float dropout,
            boolean causal,
            boolean preNorm,
            FeedForward.Activation activation) {

        public Config {
            if (activation == null)
                throw new IllegalArgumentException("activation must be GELU or GELU_TANH, not null");
        }

        /** With the exact GELU. */
        public Config(int embedDim, int heads, int hidden, float dropout, boolean causal, boolean preNorm) {
            this(embedDim, heads, hidden, dropout, causal, preNorm, FeedForward.Activation.GELU);
        }

        /** The GPT layout: hidden 4C, causal, pre-norm, exact GELU. */
        public static Config gpt(int embedDim, int heads, float dropout) {
            return gpt(embedDim, heads, dropout, FeedForward.Activation.GELU);
        }

        /** The GPT layout with the given GELU (GPT-2 itself used {@code GELU_TANH}). */
        public static Config gpt(int embedDim, int heads, float dropout, FeedForward.Activation activation) {
            return new Config(embedDim, heads, 4 * embedDim, dropout, true, true, activation);
        }
    }

    private final Config config;
    private final LayerNorm norm1;
    private final MultiHeadAttention attention;
    private final LayerNorm norm2;
    private final FeedForward feedForward;

    public TransformerBlock(Config config) {
        this.config = config;
        // Normalise over the channels (axis 2 of (B, T, C)) only; DJL's default also spans time.
        norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
        attention = addChildBlock(
                "attention",
                new MultiHeadAttention(config.embedDim(), config.heads(), config.causal(), config.dropout()));
        norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        feedForward = addChildBlock(
                "feedForward",
                new FeedForward(config.embedDim(), config.hidden(), config.dropout(), config.activation()));
    }

    public Config config() {
        return config;
    }

    public MultiHeadAttention attention() {
        return attention;
    }

    public FeedForward feedForward() {
        return feedForward;
    }

    /** The layer norm before attention (pre-norm) or after the attention residual (post-norm). */
    public LayerNorm norm1() {
        return norm1;
    }

    /** The layer norm before the feed-forward network (pre-norm) or after its residual (post-norm). */
    public LayerNorm norm2() {
        return norm2;
    }

    /** Attention 4C² + 4C, feed-forward 2CH + H + C, two layer norms 2C each (scale and shift). */
    public static long parameterCount(int embedDim, int hidden) {
        return MultiHeadAttention.parameterCount(embedDim)
                + FeedForward.parameterCount(embedDim, hidden)
                + 4L * embedDim;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null).get(0));
    }

    /**
     * The forward pass: x (B, t, C) gives the block's output (B, t, C) and its attention weights
     * (B, heads, t, S). With a {@code cache} (generation only; {@code null} otherwise) x holds new
     * tokens and the attention reads and extends the cached keys and values, see
     * {@link MultiHeadAttention#forward(ParameterStore, NDArray, boolean, KvCache.Layer)}.
     */
    public NDList forward(ParameterStore ps, NDArray x, boolean training, KvCache.Layer cache) {
        NDList attended;
        NDArray h;
        if (config.preNorm()) { // x + f(norm(x))
            attended = attention.forward(ps, apply(norm1, ps, x, training), training, cache);
            h = x.add(attended.get(0));
            h = h.add(apply(feedForward, ps, apply(norm2, ps, h, training), training));
        } else { // norm(x + f(x))
            attended = attention.forward(ps, x, training, cache);
            h = apply(norm1, ps, x.add(attended.get(0)), training);
            h = apply(norm2, ps, h.add(apply(feedForward, ps, h, training)), training);
        }
        return new NDList(h, attended.get(1));
    }

    private static NDArray apply(AbstractBlock block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (AbstractBlock child : new AbstractBlock[] {norm1, attention, norm2, feedForward})
            child.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "TransformerBlock(" + config + ")";
    }
}

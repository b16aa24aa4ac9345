package fasttrack.lora;

import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How to adapt a {@link Gpt} with LoRA: the rank r of every update ΔW = (α/r)·B·A, the scale α, the
 * dropout on the adapters' input, and which linear layers of every block get an adapter.
 *
 * @param rank    r ≥ 1: B is d_out × r and A is r × d_in, so each adapted layer trains r·(d_in + d_out) numbers
 * @param alpha   α &gt; 0: the update is scaled by α/r. With α fixed (the LoRA paper) the factor shrinks as r grows;
 *                rsLoRA's α/√r, which keeps the update's size steadier across ranks, is α' = α·√r here (notebook 12 measures both)
 * @param dropout dropout rate on the adapters' input during training, in [0, 1)
 * @param targets the layers to adapt in every block
 */
public record LoraConfig(int rank, float alpha, float dropout, Set<Target> targets) {

    /** The linear layers of a transformer block LoRA can adapt. */
    public enum Target {
        /** The fused query/key/value projection, C → 3C. */
        QKV("attention", "qkv"),
        /** The attention output projection, C → C. */
        PROJECTION("attention", "projection"),
        /** The feed-forward layer C → 4C. */
        MLP_UP("feedForward", "up"),
        /** The feed-forward layer 4C → C. */
        MLP_DOWN("feedForward", "down");

        private final String sublayer;
        private final String layer;

        Target(String sublayer, String layer) {
            this.sublayer = sublayer;
            this.layer = layer;
        }

        /** "attention" or "feedForward": which part of the block holds the layer. */
        public String sublayer() {
            return sublayer;
        }

        /** The layer's name in its part of the block. */
        public String layer() {
            return layer;
        }

        /** d_in of this layer in a GPT block of width C (feed-forward width 4C). */
        public int inputs(int embedDim) {
            return this == MLP_DOWN ? 4 * embedDim : embedDim;
        }

        /** d_out of this layer in a GPT block of width C (feed-forward width 4C). */
        public int outputs(int embedDim) {
            return switch (this) {
                case QKV -> 3 * embedDim;
                case PROJECTION, MLP_DOWN -> embedDim;
                case MLP_UP -> 4 * embedDim;
            };
        }
    }

    public LoraConfig {
        if (rank < 1)
            throw new IllegalArgumentException(
                    "the LoRA rank must be >= 1, got " + rank + ": r = 1, 4, 8 or 16 are usual");
        requireAlphaAndDropout(alpha, dropout);
        if (targets == null || targets.isEmpty())
            throw new IllegalArgumentException("name at least one layer to adapt, e.g. Target.QKV");
        targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
    }

    /** The checks a {@link LoraLinear} on its own needs too. */
    static void requireAlphaAndDropout(float alpha, float dropout) {
        if (!(alpha > 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException(
                    "alpha must be a finite number > 0, got " + alpha + ": the update is scaled by alpha / rank");
        }
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }

    /**
     * Adapters on the attention projections: one on the fused query/key/value projection and one on the
     * output. (The LoRA paper adapts W_q and W_v as separate matrices, each with its own A and B.)
     */
    public static LoraConfig attention(int rank, float alpha) {
        return new LoraConfig(rank, alpha, 0f, EnumSet.of(Target.QKV, Target.PROJECTION));
    }

    /** Adapters on every linear layer of every block: attention and feed-forward. */
    public static LoraConfig allLinear(int rank, float alpha) {
        return new LoraConfig(rank, alpha, 0f, EnumSet.allOf(Target.class));
    }

    public LoraConfig withDropout(float rate) {
        return new LoraConfig(rank, alpha, rate, targets);
    }

    /** α / r, the factor on B·A. */
    public float scale() {
        return alpha / rank;
    }

    /**
     * The trainable parameters these adapters add to a model: per block, r·(d_in + d_out) for each
     * adapted layer.
     */
    public long parameterCount(GptConfig model) {
        long perBlock = 0;
        for (Target t : targets) perBlock += (long) rank * (t.inputs(model.embedDim()) + t.outputs(model.embedDim()));
        return perBlock * model.layers();
    }
}

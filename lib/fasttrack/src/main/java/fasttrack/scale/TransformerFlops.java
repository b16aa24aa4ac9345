package fasttrack.scale;

import fasttrack.nn.GptConfig;

/**
 * Floating-point operations of the course GPT, counted from its matrix products (everything else,
 * layer norms, softmax, GELU, the optimizer, is linear in the activations or the weights and a few
 * percent at most). A product of an (m × k) by a (k × n) matrix costs 2mkn FLOPs: mkn multiplies and
 * as many adds.
 *
 * <p>Per token and layer the forward pass multiplies by the weights of Q, K, V (3C²), the output
 * projection (C²) and the two MLP layers (8C²), 2 FLOPs per weight; attention adds QKᵀ and the
 * weighted sum of V, 2·T·C each over the whole T×T score matrix (the causal mask zeroes half of it
 * but the product is still computed); the head multiplies by V·C weights. Backward costs twice the
 * forward (a gradient for the inputs and one for the weights), so training costs
 * <pre>6·(12·L·C² + C·V) + 12·L·T·C  FLOPs per token  ≈ 6N + 12·L·T·C.</pre>
 */
public final class TransformerFlops {

    private TransformerFlops() {}

    /** The weights the model multiplies by: 12C² per block (attention 4C², MLP 8C²) and the head's V·C. */
    public static long matmulWeights(GptConfig config) {
        long c = config.embedDim();
        return config.layers() * 12 * c * c + c * config.vocabSize();
    }

    /** Forward FLOPs per token: 2 per matmul weight, plus 4·T·C per layer for QKᵀ and the weighted sum of V. */
    public static double forwardPerToken(GptConfig config) {
        return 2.0 * matmulWeights(config) + 4.0 * config.layers() * config.blockSize() * config.embedDim();
    }

    /** Training FLOPs per token: forward plus a backward of twice its cost. */
    public static double trainingPerToken(GptConfig config) {
        return 3 * forwardPerToken(config);
    }

    /** Training FLOPs of one step on {@code batchSize} full windows of {@code config.blockSize()} tokens. */
    public static double trainingStep(GptConfig config, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        return trainingPerToken(config) * batchSize * config.blockSize();
    }

    /** Training FLOPs for {@code tokens} tokens. */
    public static double training(GptConfig config, double tokens) {
        if (!(tokens >= 0) || Double.isInfinite(tokens))
            throw new IllegalArgumentException("tokens must be a finite number >= 0, got " + tokens);
        return trainingPerToken(config) * tokens;
    }
}

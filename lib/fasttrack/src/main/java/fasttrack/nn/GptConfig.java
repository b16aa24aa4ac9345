package fasttrack.nn;

/**
 * The shape of a GPT.
 *
 * @param vocabSize  tokens the model reads and predicts
 * @param blockSize  the longest context, in tokens
 * @param layers     transformer blocks
 * @param heads      attention heads per block (embedDim must divide by it)
 * @param embedDim   the width C of every token vector
 * @param dropout    dropout rate in training
 * @param tieWeights whether the output layer reuses the token embedding (saves V·C parameters)
 */
public record GptConfig(int vocabSize, int blockSize, int layers, int heads, int embedDim, float dropout, boolean tieWeights) {

    public GptConfig {
        require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
        require(blockSize >= 1, "blockSize must be at least 1, got " + blockSize);
        require(layers >= 1, "layers must be at least 1, got " + layers);
        require(heads >= 1 && embedDim >= 1, "heads and embedDim must be at least 1, got " + heads + ", " + embedDim);
        require(embedDim % heads == 0, "embedDim " + embedDim + " is not divisible by heads " + heads);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    }

    /** The CPU reference: 4 layers, 4 heads, C = 128, context 128 (about 0.83 M parameters for 64 characters). */
    public static GptConfig cpu(int vocabSize) {
        return new GptConfig(vocabSize, 128, 4, 4, 128, 0.1f, false);
    }

    /** A GPU-sized model: 6 layers, 6 heads, C = 384, context 256 (nanoGPT's Shakespeare config, about 10.8 M parameters). */
    public static GptConfig gpu(int vocabSize) {
        return new GptConfig(vocabSize, 256, 6, 6, 384, 0.2f, false);
    }

    /** This shape with another dropout rate. */
    public GptConfig withDropout(float rate) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, rate, tieWeights);
    }

    /**
     * Parameters by hand: token embedding V·C, positions blockSize·C, each block 12C² + 13C, the final
     * layer norm 2C, and the output layer C·V unless tied to the token embedding.
     */
    public long parameterCount() {
        long c = embedDim;
        return (long) vocabSize * c + (long) blockSize * c + layers * TransformerBlock.parameterCount(embedDim, 4 * embedDim)
                + 2 * c + (tieWeights ? 0 : c * vocabSize);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}

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
 * @param activation the feed-forward networks' GELU: exact (the course's models) or GPT-2's tanh form;
 *                   {@code null} means exact (what a checkpoint written before this option holds)
 */
public record GptConfig(
        int vocabSize,
        int blockSize,
        int layers,
        int heads,
        int embedDim,
        float dropout,
        boolean tieWeights,
        FeedForward.Activation activation) {

    public GptConfig {
        if (activation == null) activation = FeedForward.Activation.GELU;
        require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
        require(blockSize >= 1, "blockSize must be at least 1, got " + blockSize);
        require(layers >= 1, "layers must be at least 1, got " + layers);
        require(heads >= 1 && embedDim >= 1, "heads and embedDim must be at least 1, got " + heads + ", " + embedDim);
        require(embedDim % heads == 0, "embedDim " + embedDim + " is not divisible by heads " + heads);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    }

    /** With the exact GELU, as every course model before GPT-2's weights. */
    public GptConfig(
            int vocabSize, int blockSize, int layers, int heads, int embedDim, float dropout, boolean tieWeights) {
        this(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, FeedForward.Activation.GELU);
    }

    /** The CPU reference: 4 layers, 4 heads, C = 128, context 128 (about 0.83 M parameters for 64 characters). */
    public static GptConfig cpu(int vocabSize) {
        return new GptConfig(vocabSize, 128, 4, 4, 128, 0.1f, false);
    }

    /** A GPU-sized model: 6 layers, 6 heads, C = 384, context 256 (nanoGPT's Shakespeare config, about 10.8 M parameters). */
    public static GptConfig gpu(int vocabSize) {
        return new GptConfig(vocabSize, 256, 6, 6, 384, 0.2f, false);
    }

    /**
     * GPT-2 small (OpenAI's "124M", Hugging Face's {@code gpt2}): 50,257 tokens, context 1,024, 12
     * layers of 12 heads, C = 768, dropout 0.1, output tied to the token embedding, tanh GELU:
     * 124,439,808 parameters.
     */
    public static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 12, 12, 768, 0.1f, true, FeedForward.Activation.GELU_TANH);
    }

    /**
     * GPT-3 6.7B's shape (Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1): 32
     * layers of 32 heads, C = 4,096, context 2,048, GPT-2's 50,257 tokens, the output tied to the
     * token embedding (the paper keeps GPT-2's architecture): 6,658,404,352 parameters by
     * {@link #parameterCount}. For counting parameters, FLOPs and memory, not for training here:
     * dropout 0 and the exact GELU (GPT-2's tanh form would change no count).
     */
    public static GptConfig gpt3_6_7B() {
        return new GptConfig(50257, 2048, 32, 32, 4096, 0f, true);
    }

    /**
     * Llama 2 7B's dimensions built as the course's GPT. The shape is LLaMA 7B's (Touvron et al.
     * 2023, "LLaMA: Open and Efficient Foundation Language Models", Table 2: 32 layers of 32 heads,
     * C = 4,096, 32,000 tokens, an output layer of its own); Llama 2 (Touvron et al. 2023) keeps it
     * and doubles the context to 4,096. Learned positions and a 4C GELU feed-forward stand where
     * Llama has RoPE and an 11,008-wide SwiGLU, so {@link #parameterCount} gives 6,723,084,288
     * against Llama's 6,738,415,616. For memory arithmetic at 7B, not for training here: dropout 0.
     */
    public static GptConfig llama2_7B() {
        return new GptConfig(32_000, 4096, 32, 32, 4096, 0f, false);
    }

    /** This shape with another context length, in tokens (the position table has one row per token). */
    public GptConfig withBlockSize(int blockSize) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, activation);
    }

    /** This shape with another number of transformer blocks. */
    public GptConfig withLayers(int layers) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, activation);
    }

    /**
     * This shape with another number of attention heads per block, at the same width C, which must
     * divide by it. Every wither checks the shape it makes, so when heads and width both change,
     * order them so the shape in between is valid too: {@code cpu(v).withHeads(2).withEmbedDim(32)}
     * (C = 128 divides by 2 heads, then 32 does).
     */
    public GptConfig withHeads(int heads) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, activation);
    }

    /** This shape with another width C of every token vector, which must divide by the heads. */
    public GptConfig withEmbedDim(int embedDim) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, activation);
    }

    /** This shape with another dropout rate. */
    public GptConfig withDropout(float rate) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, rate, tieWeights, activation);
    }

    /** This shape with another feed-forward activation. */
    public GptConfig withActivation(FeedForward.Activation activation) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tieWeights, activation);
    }

    /** This shape with the output layer tied to the token embedding (true) or a layer of its own (false). */
    public GptConfig withTiedWeights(boolean tied) {
        return new GptConfig(vocabSize, blockSize, layers, heads, embedDim, dropout, tied, activation);
    }

    /**
     * Parameters by hand: token embedding V·C, positions blockSize·C, each block 12C² + 13C, the final
     * layer norm 2C, and the output layer C·V unless tied to the token embedding.
     */
    public long parameterCount() {
        long c = embedDim;
        return (long) vocabSize * c
                + (long) blockSize * c
                + layers * TransformerBlock.parameterCount(embedDim, 4 * embedDim)
                + 2 * c
                + (tieWeights ? 0 : c * vocabSize);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}

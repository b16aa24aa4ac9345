package fasttrack.llama;

/**
 * The shape of a Llama-style model: a GPT with RMSNorm, rotary positions, a SwiGLU feed-forward,
 * grouped-query attention and, optionally, a mixture of experts in place of the feed-forward.
 *
 * @param vocabSize       tokens the model reads and predicts
 * @param blockSize       the longest context, in tokens (RoPE itself has no table; this bounds training and the cache)
 * @param layers          transformer blocks
 * @param heads           query heads H (embedDim must divide by it)
 * @param kvHeads         key/value heads K (must divide H): H for multi-head, 1 for multi-query attention
 * @param embedDim        the width C of every token vector
 * @param hidden          the SwiGLU width H_ff (each expert's, in a mixture)
 * @param ropeBase        RoPE's base ("rope_theta")
 * @param normEpsilon     RMSNorm's ε ("rms_norm_eps")
 * @param ropeLayout      which dimensions RoPE pairs (Hugging Face's folders: HALF)
 * @param tieWeights      whether the output layer reuses the token embedding
 * @param experts         0 for a dense feed-forward, else the experts per block E (at least 2)
 * @param expertsPerToken k, the experts each token uses (0 when dense)
 * @param norm            RMS (Llama's) or LAYER (GPT's LayerNorm with its shift, for the comparison of notebook 20 §1)
 */
public record LlamaConfig(
        int vocabSize,
        int blockSize,
        int layers,
        int heads,
        int kvHeads,
        int embedDim,
        int hidden,
        double ropeBase,
        float normEpsilon,
        Rope.Layout ropeLayout,
        boolean tieWeights,
        int experts,
        int expertsPerToken,
        Norm norm) {

    /** Which normalisation the blocks and the final norm use. */
    public enum Norm {
        /** {@link RmsNorm}: Llama's. */
        RMS,
        /** DJL's LayerNorm over the channels (mean and variance, a scale and a shift): GPT's, for comparison. */
        LAYER
    }

    /** With Llama's RMSNorm. */
    public LlamaConfig(
            int vocabSize,
            int blockSize,
            int layers,
            int heads,
            int kvHeads,
            int embedDim,
            int hidden,
            double ropeBase,
            float normEpsilon,
            Rope.Layout ropeLayout,
            boolean tieWeights,
            int experts,
            int expertsPerToken) {
        this(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                Norm.RMS);
    }

    public LlamaConfig {
        require(norm != null, "norm must be RMS or LAYER, not null");
        require(vocabSize >= 2, "vocabSize must be at least 2, got " + vocabSize);
        require(blockSize >= 1, "blockSize must be at least 1, got " + blockSize);
        require(layers >= 1, "layers must be at least 1, got " + layers);
        require(hidden >= 1, "hidden must be at least 1, got " + hidden);
        GroupedQueryAttention.requireShape(embedDim, heads, kvHeads);
        new Rope(embedDim / heads, ropeBase, ropeLayout); // even head size, base above 1, a layout: its messages
        require(normEpsilon > 0, "normEpsilon must be positive, got " + normEpsilon);
        if (experts != 0 || expertsPerToken != 0) MixtureOfExperts.requireRouting(experts, expertsPerToken);
    }

    /**
     * The course's CPU model in Llama's form: the shape of notebook 10's GPT ({@code KjvGpt}: context 128,
     * 4 layers, 4 heads, C = 128) with a SwiGLU of width {@link SwiGlu#hiddenSize hiddenSize(128, 32)} = 352,
     * 4 key/value heads (multi-head), RoPE base 10,000 in Hugging Face's layout, ε = 10⁻⁵ and an
     * output layer of its own, as Llama 2 has.
     */
    public static LlamaConfig kjv(int vocabSize) {
        return new LlamaConfig(
                vocabSize, 128, 4, 4, 4, 128, SwiGlu.hiddenSize(128, 32), 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0);
    }

    /**
     * Llama 2 7B (Touvron et al. 2023): 32,000 tokens, context 4,096, 32 layers of 32 heads (no GQA at
     * 7B), C = 4,096, SwiGLU 11,008, base 10,000: 6,738,415,616 parameters by {@link #parameterCount}.
     */
    public static LlamaConfig llama2_7B() {
        return new LlamaConfig(32_000, 4096, 32, 32, 32, 4096, 11_008, 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0);
    }

    /**
     * Llama 3 8B (Meta 2024, its config.json): 128,256 tokens, context 8,192, 32 layers of 32 query and
     * 8 key/value heads of 128 dimensions, C = 4,096, SwiGLU 14,336, base 500,000: 8,030,261,248 parameters.
     */
    public static LlamaConfig llama3_8B() {
        return new LlamaConfig(128_256, 8192, 32, 32, 8, 4096, 14_336, 500_000, 1e-5f, Rope.Layout.HALF, false, 0, 0);
    }

    /**
     * Mixtral 8×7B (Jiang et al. 2024): Mistral 7B's shape (32,000 tokens, 32 layers, 32 query and 8
     * key/value heads, C = 4,096, SwiGLU 14,336) with 8 experts per block, 2 per token, context 32,768,
     * base 1,000,000: 46,702,792,704 parameters held, 12,879,925,248 active.
     */
    public static LlamaConfig mixtral8x7B() {
        return new LlamaConfig(
                32_000, 32_768, 32, 32, 8, 4096, 14_336, 1_000_000, 1e-5f, Rope.Layout.HALF, false, 8, 2);
    }

    public int headDim() {
        return embedDim / heads;
    }

    public boolean isMixture() {
        return experts > 0;
    }

    public Rope rope() {
        return new Rope(headDim(), ropeBase, ropeLayout);
    }

    public LlamaConfig withKvHeads(int kvHeads) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    /**
     * Another number of query heads at the same width C; the key/value heads follow when they were
     * all of them (multi-head stays multi-head), else stay as they are.
     */
    public LlamaConfig withHeads(int heads) {
        int kv = kvHeads == this.heads ? heads : kvHeads;
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kv,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withEmbedDim(int embedDim) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withLayers(int layers) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withBlockSize(int blockSize) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    /** Another feed-forward width (each expert's, in a mixture). */
    public LlamaConfig withHidden(int hidden) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withRopeLayout(Rope.Layout layout) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                layout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withRopeBase(double base) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                base,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    public LlamaConfig withTiedWeights(boolean tied) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tied,
                experts,
                expertsPerToken,
                norm);
    }

    /** A mixture of {@code experts} SwiGLU experts of width {@link #hidden} per block, {@code perToken} used per token. */
    public LlamaConfig withExperts(int experts, int perToken) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                perToken,
                norm);
    }

    /** The same model with {@code norm} (RMS or LAYER) in every block and before the output. */
    public LlamaConfig withNorm(Norm norm) {
        return new LlamaConfig(
                vocabSize,
                blockSize,
                layers,
                heads,
                kvHeads,
                embedDim,
                hidden,
                ropeBase,
                normEpsilon,
                ropeLayout,
                tieWeights,
                experts,
                expertsPerToken,
                norm);
    }

    /** The dense feed-forward again. */
    public LlamaConfig dense() {
        return withExperts(0, 0);
    }

    /**
     * Parameters by hand: token embedding V·C; per block attention 2C² + 2C·K·d, the feed-forward 3·C·H
     * (a mixture: E·C for the router and E experts), two RMSNorms C each; the final RMSNorm C; the output
     * layer C·V unless tied. No position table and no biases. (With {@code Norm.LAYER}, 2C per norm.)
     */
    public long parameterCount() {
        long c = embedDim;
        long ff = isMixture()
                ? MixtureOfExperts.parameterCount(embedDim, hidden, experts)
                : SwiGlu.parameterCount(embedDim, hidden);
        long normParameters =
                norm == Norm.RMS ? RmsNorm.parameterCount(embedDim) : 2 * c; // LayerNorm: a scale and a shift
        long block = GroupedQueryAttention.parameterCount(embedDim, heads, kvHeads) + ff + 2 * normParameters;
        return vocabSize * c + layers * block + normParameters + (tieWeights ? 0 : c * vocabSize);
    }

    /** The parameters one token uses: as {@link #parameterCount}, with only k experts per block. */
    public long activeParameterCount() {
        if (!isMixture()) return parameterCount();
        long unused = (long) layers * (experts - expertsPerToken) * SwiGlu.parameterCount(embedDim, hidden);
        return parameterCount() - unused;
    }

    /**
     * Bytes of the KV cache for {@code tokens} positions of one sequence at {@code bytesPerValue}
     * (2 for bfloat16, 4 for float32): keys and values, every layer, K heads of d values:
     * 2 · layers · K · d · tokens · bytes.
     */
    public long kvCacheBytes(long tokens, int bytesPerValue) {
        if (tokens < 0 || bytesPerValue < 1)
            throw new IllegalArgumentException(
                    "tokens >= 0 and bytesPerValue >= 1, got " + tokens + ", " + bytesPerValue);
        return 2L * layers * kvHeads * headDim() * tokens * bytesPerValue;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}

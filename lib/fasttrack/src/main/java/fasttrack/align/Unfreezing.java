package fasttrack.align;

/**
 * Which parts of a GPT a finetuning step may change. The output head (in a model with tied weights,
 * the token table it shares) and final layer norm always train; of the L transformer blocks, the top
 * {@link #blocks(int, int)} do; the embeddings only when every block does. Layer freezing keeps the lower layers' general features and trains fewer
 * numbers; gradual unfreezing (ULMFiT, Howard and Ruder 2018) starts at the top and adds one block
 * every {@code stepsPerBlock} steps, so the first, noisiest updates cannot disturb the lower layers.
 *
 * @param name          for tables
 * @param topBlocks     blocks trainable from the start (−1: all, embeddings too)
 * @param stepsPerBlock steps before one more block unfreezes (0: never)
 */
public record Unfreezing(String name, int topBlocks, int stepsPerBlock) {

    public Unfreezing {
        if (topBlocks < -1)
            throw new IllegalArgumentException("topBlocks must be >= 0 (or −1 for everything), got " + topBlocks);
        if (stepsPerBlock < 0) throw new IllegalArgumentException("stepsPerBlock must be >= 0, got " + stepsPerBlock);
    }

    /** Everything trains. */
    public static Unfreezing full() {
        return new Unfreezing("full finetuning", -1, 0);
    }

    /** Only the top {@code blocks} blocks, the final norm and the head train. */
    public static Unfreezing topBlocks(int blocks) {
        return new Unfreezing("top " + blocks + " block" + (blocks == 1 ? "" : "s") + " (lower frozen)", blocks, 0);
    }

    /** The top block first, one more every {@code stepsPerBlock} steps, then the embeddings. */
    public static Unfreezing gradual(int stepsPerBlock) {
        if (stepsPerBlock < 1) throw new IllegalArgumentException("stepsPerBlock must be >= 1, got " + stepsPerBlock);
        return new Unfreezing("gradual unfreezing (a block every " + stepsPerBlock + " steps)", 1, stepsPerBlock);
    }

    /** Trainable top blocks at {@code step} of a model with {@code layers} blocks. */
    public int blocks(int step, int layers) {
        if (topBlocks < 0) return layers;
        int unfrozen = stepsPerBlock == 0 ? topBlocks : topBlocks + step / stepsPerBlock;
        return Math.min(layers, unfrozen);
    }

    /** Whether the embeddings train at {@code step}: only once every block does (and not for a fixed top-k). */
    public boolean embeddings(int step, int layers) {
        return topBlocks < 0 || (stepsPerBlock > 0 && topBlocks + step / stepsPerBlock > layers);
    }
}

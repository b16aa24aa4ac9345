package fasttrack.train;

import java.util.Random;

/**
 * Random training windows from a token stream: example i of a batch starts at a random offset o
 * and has input tokens o .. o+T−1 and targets o+1 .. o+T (each position predicts the next token).
 * A batch depends only on (seed, step), so a resumed run sees exactly the batches an uninterrupted
 * one would have.
 */
public final class TokenBatches {

    /** Inputs and targets, each batchSize × blockSize, row-major. */
    public record Batch(long[] inputs, long[] targets, int batchSize, int blockSize) {}

    private final int[] tokens;
    private final int blockSize;
    private final int batchSize;

    public TokenBatches(int[] tokens, int blockSize, int batchSize) {
        if (blockSize < 1 || batchSize < 1) throw new IllegalArgumentException("blockSize and batchSize must be >= 1");
        if (tokens.length < blockSize + 1) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens, fewer than one window of "
                    + (blockSize + 1) + ": use more text or a smaller block size");
        }
        this.tokens = tokens;
        this.blockSize = blockSize;
        this.batchSize = batchSize;
    }

    /** The batch for {@code step} of a run seeded with {@code seed}. */
    public Batch batch(long seed, long step) {
        Random random = TrainingStep.batchRandom(seed, step);
        long[] inputs = new long[batchSize * blockSize], targets = new long[batchSize * blockSize];
        for (int b = 0; b < batchSize; b++) {
            int offset = random.nextInt(tokens.length - blockSize);
            for (int t = 0; t < blockSize; t++) {
                inputs[b * blockSize + t] = tokens[offset + t];
                targets[b * blockSize + t] = tokens[offset + t + 1];
            }
        }
        return new Batch(inputs, targets, batchSize, blockSize);
    }
}

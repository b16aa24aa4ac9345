package fasttrack.align;

import java.util.List;

/**
 * Examples of different lengths in one (B, T) batch: inputs are tokens 0..n−2 of each example and
 * targets 1..n−1, padded to the longest; the mask is 1 where the target is a response token (the
 * stop marker included) and 0 for prompt and padding, so only the answer is learned.
 */
public record ResponseBatch(long[] inputs, long[] targets, float[] mask, int batchSize, int length) {

    public static ResponseBatch of(List<EncodedExample> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("a batch needs at least one example");
        int
                length =
                        examples.stream()
                                .mapToInt(e -> e.tokens().length - 1)
                                .max()
                                .orElseThrow(),
                b = examples.size();
        long[] inputs = new long[b * length], targets = new long[b * length];
        float[] mask = new float[b * length];
        for (int i = 0; i < b; i++) {
            EncodedExample e = examples.get(i);
            for (int t = 0; t < e.tokens().length - 1; t++) {
                inputs[i * length + t] = e.tokens()[t];
                targets[i * length + t] = e.tokens()[t + 1];
                mask[i * length + t] = t + 1 >= e.promptLength() ? 1 : 0; // target t+1 is part of the response
            }
        }
        return new ResponseBatch(inputs, targets, mask, b, length);
    }
}

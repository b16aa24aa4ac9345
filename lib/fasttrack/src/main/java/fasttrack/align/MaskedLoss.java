package fasttrack.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.train.GptTrainer;
import java.util.List;

/**
 * The losses of post-training, over response tokens only: log p(target) at every position, the
 * masked mean (supervised finetuning), and the masked sum per sequence, log π(response | prompt)
 * (what DPO compares).
 */
public final class MaskedLoss {

    private MaskedLoss() {}

    /** log softmax(logits)[target] at every position: logits (B, T, V), targets (B, T) → (B, T) ({@link GptTrainer#tokenLogProbs}). */
    public static NDArray tokenLogProbs(NDArray logits, NDArray targets) {
        return GptTrainer.tokenLogProbs(logits, targets);
    }

    /** −Σ mask·log p / Σ mask: the mean cross-entropy of the response tokens. */
    public static NDArray loss(NDArray logits, NDArray targets, NDArray mask) {
        return tokenLogProbs(logits, targets).mul(mask).sum().div(mask.sum()).neg();
    }

    /** Σ_t mask·log p per sequence: log π(response | prompt), shape (B,). */
    public static NDArray sequenceLogProbs(NDArray logits, NDArray targets, NDArray mask) {
        return tokenLogProbs(logits, targets).mul(mask).sum(new int[] {1});
    }

    /**
     * A {@link ResponseBatch} as arrays, each (B, T).
     *
     * @param inputs  the token ids the model reads
     * @param targets the next token at every position
     * @param mask    1 where the target is a response token (the loss counts it), 0 at prompt and padding positions
     */
    public record Batch(NDArray inputs, NDArray targets, NDArray mask) {}

    /** The arrays of {@code batch} on {@code scope}: inputs, targets and mask. */
    public static Batch arrays(ResponseBatch batch, NDManager scope) {
        Shape shape = new Shape(batch.batchSize(), batch.length());
        return new Batch(
                scope.create(batch.inputs(), shape),
                scope.create(batch.targets(), shape),
                scope.create(batch.mask(), shape));
    }

    /** log π(response | prompt) of each example under {@code model}, in batches of 32 (inference). */
    public static double[] logLikelihoods(Gpt model, List<EncodedExample> examples, NDManager manager) {
        double[] out = new double[examples.size()];
        for (int from = 0; from < examples.size(); from += 32) {
            List<EncodedExample> chunk = examples.subList(from, Math.min(examples.size(), from + 32));
            try (NDManager scope = manager.newSubManager()) {
                Batch a = arrays(ResponseBatch.of(chunk), scope);
                float[] values = sequenceLogProbs(
                                model.logits(new ParameterStore(scope, false), a.inputs(), false),
                                a.targets(),
                                a.mask())
                        .toFloatArray();
                for (int i = 0; i < values.length; i++) out[from + i] = values[i];
            }
        }
        return out;
    }

    /** The mean response loss per token over {@code examples} (each token weighted equally). */
    public static double meanLoss(Gpt model, List<EncodedExample> examples, NDManager manager) {
        double[] logLikelihoods = logLikelihoods(model, examples, manager);
        double sum = 0, tokens = 0;
        for (int i = 0; i < logLikelihoods.length; i++) {
            sum -= logLikelihoods[i];
            tokens += examples.get(i).responseLength();
        }
        return sum / tokens;
    }
}

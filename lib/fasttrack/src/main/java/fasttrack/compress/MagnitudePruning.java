package fasttrack.compress;

import ai.djl.ndarray.NDArray;
import fasttrack.nn.Gpt;
import fasttrack.tensors.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unstructured magnitude pruning: in each weight matrix, zero the given fraction of weights with
 * the smallest |w| (the ones whose removal changes each dot product least, to first order). The
 * mask is kept, so a finetune after pruning can re-apply it after every step and the zeros stay
 * zeros. Embeddings, norms and biases are left alone.
 */
public final class MagnitudePruning {

    private record Mask(NDArray weight, boolean[] keep) {}

    private final List<Mask> masks;

    private MagnitudePruning(List<Mask> masks) {
        this.masks = masks;
    }

    /** Prunes {@code model} in place to {@code sparsity} (0 ≤ s < 1) in every matrix it multiplies by. */
    public static MagnitudePruning prune(Gpt model, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1))
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        List<Mask> masks = new ArrayList<>();
        for (NDArray w : LinearWeights.of(model).values()) {
            float[] values = w.toFloatArray();
            masks.add(new Mask(w, keepLargest(values, (int) Math.round(sparsity * values.length))));
        }
        MagnitudePruning pruning = new MagnitudePruning(masks);
        pruning.apply();
        return pruning;
    }

    /** A mask dropping exactly {@code pruned} weights: the smallest |w|, ties broken by position. */
    static boolean[] keepLargest(float[] values, int pruned) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int byMagnitude = Float.compare(Math.abs(values[a]), Math.abs(values[b]));
            return byMagnitude != 0 ? byMagnitude : Integer.compare(a, b);
        });
        boolean[] keep = new boolean[values.length];
        Arrays.fill(keep, true);
        for (int i = 0; i < pruned; i++) keep[order[i]] = false;
        return keep;
    }

    /** Zeros the pruned weights again (after an optimiser step has moved them). */
    public void apply() {
        for (Mask mask : masks) {
            float[] values = mask.weight().toFloatArray();
            for (int i = 0; i < values.length; i++) if (!mask.keep()[i]) values[i] = 0;
            Tensors.overwrite(mask.weight(), values);
        }
    }

    /** The fraction of zeros over the pruned matrices, measured on the model's current weights. */
    public double sparsity() {
        long zeros = 0, total = 0;
        for (Mask mask : masks) {
            for (float v : mask.weight().toFloatArray()) if (v == 0) zeros++;
            total += mask.weight().size();
        }
        return (double) zeros / total;
    }
}

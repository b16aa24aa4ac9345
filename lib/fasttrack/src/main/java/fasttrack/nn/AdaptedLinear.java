package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A linear layer that stands in for a trained one and computes y = x·W'ᵀ + b with a weight W' other
 * than the one it wraps (LoRA's W + (α/r)·B·A). What code that reads a model's weights, such as
 * {@link CachedDecoder}, asks for, so the model's package needs no knowledge of the adapters.
 */
public interface AdaptedLinear {

    /** The weight W' (d_out, d_in) the layer multiplies by now; temporaries go to {@code scratch}. */
    NDArray effectiveWeight(NDManager scratch);

    /** The bias b (d_out). */
    NDArray bias();
}

package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;

/** Dropout as the course's blocks apply it. */
final class Dropouts {

    private Dropouts() {}

    /**
     * {@code block} applied to x in training at a rate above 0; otherwise x itself. Outside training
     * (or at rate 0) dropout is the identity, and skipping it saves an engine call per layer on every
     * generated token. DJL's Dropout does not expose its rate, so the caller passes it.
     */
    static NDArray apply(Dropout block, float rate, ParameterStore ps, NDArray x, boolean training) {
        return training && rate > 0 ? block.forward(ps, new NDList(x), true).singletonOrThrow() : x;
    }
}

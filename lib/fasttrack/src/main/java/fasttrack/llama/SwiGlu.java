package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Llama's feed-forward network, a gated linear unit with the SiLU ("swish") gate (Shazeer 2020,
 * "GLU Variants Improve Transformer"):
 * <pre>
 *   FFN(x) = W_down · (SiLU(W_gate·x) ⊙ W_up·x),     SiLU(z) = z·σ(z)
 * </pre>
 * Three matrices instead of two, none with a bias. To keep the parameter count of a 4C-wide GELU
 * network (2·C·4C), the hidden width H shrinks to 2/3 of 4C, rounded up to a multiple of a hardware-friendly
 * number ({@link #hiddenSize}): 3·C·H ≈ 8C². Hugging Face names the three {@code gate_proj},
 * {@code up_proj} and {@code down_proj} (Meta's code: w1, w3, w2).
 */
public final class SwiGlu extends AbstractBlock {

    private final int embedDim;
    private final int hidden;
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    public SwiGlu(int embedDim, int hidden) {
        if (embedDim < 1 || hidden < 1)
            throw new IllegalArgumentException("embedDim and hidden must be >= 1, got " + embedDim + ", " + hidden);
        this.embedDim = embedDim;
        this.hidden = hidden;
        gate = addChildBlock(
                "gate", Linear.builder().setUnits(hidden).optBias(false).build());
        up = addChildBlock(
                "up", Linear.builder().setUnits(hidden).optBias(false).build());
        down = addChildBlock(
                "down", Linear.builder().setUnits(embedDim).optBias(false).build());
    }

    /**
     * Llama's rule for the hidden width: H = ⌊2·4C/3⌋ rounded up to a multiple of {@code multipleOf}.
     * Llama 2 7B: C = 4,096, multiple 256 → 11,008.
     */
    public static int hiddenSize(int embedDim, int multipleOf) {
        if (embedDim < 1 || multipleOf < 1)
            throw new IllegalArgumentException(
                    "embedDim and multipleOf must be >= 1, got " + embedDim + ", " + multipleOf);
        int h = (int) (2L * 4 * embedDim / 3);
        return (int) ((long) multipleOf * ((h + multipleOf - 1) / multipleOf));
    }

    /** 3·C·H: gate and up (H, C), down (C, H), no biases. */
    public static long parameterCount(int embedDim, int hidden) {
        return 3L * embedDim * hidden;
    }

    /** SiLU(z) = z·σ(z), elementwise. */
    public static NDArray silu(NDArray z) {
        return z.mul(Activation.sigmoid(z));
    }

    public int hidden() {
        return hidden;
    }

    /** The gate projection W_gate (H, C). */
    public NDArray gateWeight() {
        return gate.getParameters().get("weight").getArray();
    }

    /** The up projection W_up (H, C). */
    public NDArray upWeight() {
        return up.getParameters().get("weight").getArray();
    }

    /** The down projection W_down (C, H). */
    public NDArray downWeight() {
        return down.getParameters().get("weight").getArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray g = gate.forward(ps, inputs, training).singletonOrThrow();
        NDArray u = up.forward(ps, inputs, training).singletonOrThrow();
        return down.forward(ps, new NDList(silu(g).mul(u)), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        gate.initialize(manager, dataType, inputShapes[0]);
        up.initialize(manager, dataType, inputShapes[0]);
        down.initialize(manager, dataType, gate.getOutputShapes(inputShapes)[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "SwiGlu(C=" + embedDim + ", H=" + hidden + ")";
    }
}

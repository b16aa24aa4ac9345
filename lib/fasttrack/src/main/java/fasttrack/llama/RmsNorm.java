package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Root-mean-square normalisation (Zhang and Sennrich 2019), Llama's layer norm:
 * <pre>
 *   y = x / √(mean(x²) + ε) · g        over the last axis (the C channels of each token)
 * </pre>
 * Against {@code LayerNorm}, {@code y = (x − mean(x)) / √(var(x) + ε) · g + b}, it drops the mean
 * subtraction and the shift b: one statistic instead of two and C fewer parameters. The direction
 * of x is kept, only its length is set; the paper found re-centring contributes little.
 * Hugging Face's {@code LlamaRMSNorm} computes exactly this, with ε = {@code rms_norm_eps}.
 */
public final class RmsNorm extends AbstractBlock {

    private final int dim;
    private final float epsilon;
    private final Parameter weight;

    /**
     * @param dim     C, the size of the last axis
     * @param epsilon ε, added under the root so an all-zero token stays finite (Llama: 1e-5 or 1e-6)
     */
    public RmsNorm(int dim, float epsilon) {
        if (dim < 1) throw new IllegalArgumentException("an RMS norm needs at least one channel, got " + dim);
        if (!(epsilon > 0) || Float.isInfinite(epsilon))
            throw new IllegalArgumentException("epsilon must be a small positive number, got " + epsilon);
        this.dim = dim;
        this.epsilon = epsilon;
        // GAMMA parameters start at one: the norm starts as a pure rescaling to unit RMS.
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim))
                .build());
    }

    public float epsilon() {
        return epsilon;
    }

    /** The scale g (C), Hugging Face's {@code input_layernorm.weight} and the like. */
    public NDArray weight() {
        return weight.getArray();
    }

    /** C: the norm has one parameter per channel (LayerNorm has two). */
    public static long parameterCount(int dim) {
        return dim;
    }

    /**
     * The formula on arrays: x (..., C), g (C). The ε is an array the engine owns (DJL 0.35's
     * {@code add(Number)} frees its temporary before backward reads it).
     */
    public static NDArray apply(NDArray x, NDArray g, float epsilon) {
        NDArray eps = x.getManager().full(new Shape(), epsilon, x.getDataType());
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt(); // (..., 1)
        return x.div(rms).mul(g);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().get(x.getShape().dimension() - 1) != dim) {
            throw new IllegalArgumentException(
                    "this RMS norm has " + dim + " channels, the input's last axis " + x.getShape());
        }
        return new NDList(apply(x, ps.getValue(weight, x.getDevice(), training), epsilon));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "RmsNorm(" + dim + ", ε=" + epsilon + ")";
    }
}

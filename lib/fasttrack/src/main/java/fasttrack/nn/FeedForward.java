package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/** The position-wise MLP of a transformer block: C → hidden (GELU) → C, then dropout; usually hidden = 4C. */
public final class FeedForward extends AbstractBlock implements LinearLayers {

    /**
     * Which GELU the hidden layer applies. Both are x·Φ(x) in spirit (Φ the standard normal CDF):
     * <ul>
     *   <li>{@link #GELU}: exact, x·Φ(x) = x/2·(1 + erf(x/√2)), the engine's {@code Activation.gelu};
     *       the course's models use it. Hugging Face calls it {@code "gelu"}.</li>
     *   <li>{@link #GELU_TANH}: GPT-2's approximation, x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))), within
     *       about 1e-3 of the exact form; a model trained with it must be run with it. Hugging Face calls it
     *       {@code "gelu_new"} (and {@code "gelu_pytorch_tanh"}).</li>
     * </ul>
     */
    public enum Activation {
        GELU,
        GELU_TANH;

        private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

        /** The activation, elementwise. */
        public NDArray apply(NDArray x) {
            if (this == GELU) return ai.djl.nn.Activation.gelu(x);
            // Every constant is an array the engine owns: DJL 0.35's mul(Number)/add(Number) free their
            // temporary before backward reads it (rare NaN gradients), see Attention.scaledDotProduct.
            NDManager m = x.getManager();
            DataType type = x.getDataType();
            NDArray half = m.full(new Shape(), 0.5f, type), one = m.full(new Shape(), 1f, type);
            NDArray cubic = m.full(new Shape(), 0.044715f, type), scale = m.full(new Shape(), SQRT_2_OVER_PI, type);
            NDArray inner = x.add(x.mul(x).mul(x).mul(cubic)).mul(scale); // √(2/π)·(x + 0.044715·x³)
            return x.mul(half).mul(inner.tanh().add(one));
        }

        /** The activation of one number, as {@link #apply(NDArray)} computes it: what plain-Java decoding uses. */
        public float apply(float x) {
            return this == GELU
                    ? (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))))
                    : (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
        }

        /** erf to about 1e-7 (Numerical Recipes' Chebyshev fit of erfc), ample for float. */
        static double erf(double x) {
            double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
            double erfc = t
                    * Math.exp(
                            -z * z
                                    - 1.26551223
                                    + t
                                            * (1.00002368
                                                    + t
                                                            * (0.37409196
                                                                    + t
                                                                            * (0.09678418
                                                                                    + t
                                                                                            * (-0.18628806
                                                                                                    + t
                                                                                                            * (0.27886807
                                                                                                                    + t
                                                                                                                            * (-1.13520398
                                                                                                                                    + t
                                                                                                                                            * (1.48851587
                                                                                                                                                    + t
                                                                                                                                                            * (-0.82215223
                                                                                                                                                                    + t
                                                                                                                                                                            * 0.17087277)))))))));
            return x >= 0 ? 1 - erfc : erfc - 1;
        }
    }

    private Block up; // Linear layers, or LoRA-wrapped ones
    private Block down;
    private final Dropout dropout;
    private final float dropoutRate;
    private final Activation activation;

    /** With the exact GELU. */
    public FeedForward(int embedDim, int hidden, float dropout) {
        this(embedDim, hidden, dropout, Activation.GELU);
    }

    public FeedForward(int embedDim, int hidden, float dropout, Activation activation) {
        if (embedDim < 1 || hidden < 1)
            throw new IllegalArgumentException("embedDim and hidden must be >= 1, got " + embedDim + ", " + hidden);
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (activation == null) throw new IllegalArgumentException("activation must be GELU or GELU_TANH, not null");
        up = addChildBlock("up", Linear.builder().setUnits(hidden).build());
        down = addChildBlock("down", Linear.builder().setUnits(embedDim).build());
        this.dropout =
                addChildBlock("dropout", Dropout.builder().optRate(dropout).build());
        this.dropoutRate = dropout;
        this.activation = activation;
    }

    /** The hidden layer's activation. */
    public Activation activation() {
        return activation;
    }

    @Override
    public List<String> linearNames() {
        return List.of("up", "down");
    }

    @Override
    public Block linear(String name) {
        return switch (name) {
            case "up" -> up;
            case "down" -> down;
            default -> throw LinearLayers.unknown(name, linearNames());
        };
    }

    @Override
    public void replaceLinear(String name, Block replacement) {
        linear(name); // validates the name
        LinearLayers.replaceChild(children, name, replacement);
        if (name.equals("up")) up = replacement;
        else down = replacement;
    }

    /** (C·H + H) + (H·C + C). */
    public static long parameterCount(int embedDim, int hidden) {
        return 2L * embedDim * hidden + hidden + embedDim;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = activation.apply(up.forward(ps, inputs, training).singletonOrThrow());
        NDArray out = down.forward(ps, new NDList(h), training).singletonOrThrow();
        return new NDList(Dropouts.apply(dropout, dropoutRate, ps, out, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        up.initialize(manager, dataType, inputShapes[0]);
        Shape hidden = up.getOutputShapes(inputShapes)[0];
        down.initialize(manager, dataType, hidden);
        dropout.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

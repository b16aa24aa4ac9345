package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/** The position-wise MLP of a transformer block: C → hidden (GELU) → C, then dropout; usually hidden = 4C. */
public final class FeedForward extends AbstractBlock implements LinearLayers {

    private Block up;           // Linear layers, or LoRA-wrapped ones
    private Block down;
    private final Dropout dropout;
    private final float dropoutRate;

    public FeedForward(int embedDim, int hidden, float dropout) {
        if (embedDim < 1 || hidden < 1) throw new IllegalArgumentException("embedDim and hidden must be >= 1, got " + embedDim + ", " + hidden);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        up = addChildBlock("up", Linear.builder().setUnits(hidden).build());
        down = addChildBlock("down", Linear.builder().setUnits(embedDim).build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropout).build());
        this.dropoutRate = dropout;
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
        linear(name);   // validates the name
        LinearLayers.replaceChild(children, name, replacement);
        if (name.equals("up")) up = replacement;
        else down = replacement;
    }

    /** (C·H + H) + (H·C + C). */
    public static long parameterCount(int embedDim, int hidden) {
        return 2L * embedDim * hidden + hidden + embedDim;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = Activation.gelu(up.forward(ps, inputs, training).singletonOrThrow());
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

package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A trained vector per position (GPT-2's choice): a (maxLength, C) table whose first T rows are added to (B, T, C). */
public final class LearnedPositionalEmbedding extends AbstractBlock {

    private final int maxLength;
    private final int embedDim;
    private final Parameter table;

    public LearnedPositionalEmbedding(int maxLength, int embedDim) {
        if (maxLength < 1 || embedDim < 1) throw new IllegalArgumentException("need maxLength, embedDim >= 1, got " + maxLength + ", " + embedDim);
        this.maxLength = maxLength;
        this.embedDim = embedDim;
        table = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxLength, embedDim)).optInitializer(new NormalInitializer(0.02f)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long t = Positions.requireInput(x.getShape(), maxLength, embedDim);
        NDArray positions = ps.getValue(table, x.getDevice(), training).get("0:{}", t);
        return new NDList(x.add(positions));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

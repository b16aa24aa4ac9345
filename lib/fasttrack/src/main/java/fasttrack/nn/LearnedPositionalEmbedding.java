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
        if (maxLength < 1 || embedDim < 1)
            throw new IllegalArgumentException("need maxLength, embedDim >= 1, got " + maxLength + ", " + embedDim);
        this.maxLength = maxLength;
        this.embedDim = embedDim;
        table = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxLength, embedDim))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
    }

    /** The (maxLength, C) table: row t is position t's vector (read it, do not write to it). */
    public NDArray table() {
        return table.getArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(add(ps, inputs.singletonOrThrow(), 0, training));
    }

    /** x (B, T, C) plus the vectors of positions offset .. offset + T − 1 (offset: tokens already cached). */
    public NDArray add(ParameterStore ps, NDArray x, int offset, boolean training) {
        long t = Positions.requireInput(x.getShape(), maxLength, embedDim, offset);
        NDArray positions = ps.getValue(table, x.getDevice(), training).get("{}:{}", offset, offset + t);
        positions.attach(x.getManager()); // the slice belongs to the caller's scope, not the long-lived table
        return x.add(positions);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The fixed positional encoding of "Attention Is All You Need": dimension pair (2i, 2i+1) of
 * position p holds sin and cos of p / 10000^(2i/C), a different wavelength per pair, so every
 * position gets a distinct pattern and relative offsets are linear maps. Adds it to (B, T, C).
 */
public final class SinusoidalPositionalEncoding extends AbstractBlock {

    private final int maxLength;
    private final int embedDim;
    private final float[][] table;

    public SinusoidalPositionalEncoding(int maxLength, int embedDim) {
        if (maxLength < 1 || embedDim < 2 || embedDim % 2 != 0) {
            throw new IllegalArgumentException(
                    "need maxLength >= 1 and an even embedDim >= 2, got " + maxLength + ", " + embedDim);
        }
        this.maxLength = maxLength;
        this.embedDim = embedDim;
        this.table = table(maxLength, embedDim);
    }

    /** The (maxLength, C) table of encodings. */
    public static float[][] table(int maxLength, int embedDim) {
        float[][] table = new float[maxLength][embedDim];
        for (int p = 0; p < maxLength; p++) {
            for (int i = 0; i < embedDim / 2; i++) {
                double angle = p / Math.pow(10000, 2.0 * i / embedDim);
                table[p][2 * i] = (float) Math.sin(angle);
                table[p][2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return table;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long t = Positions.requireInput(x.getShape(), maxLength, embedDim);
        float[][] rows = java.util.Arrays.copyOf(table, (int) t);
        NDArray encoding = x.getManager().create(rows).toType(x.getDataType(), false);
        return new NDList(x.add(encoding));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Positions.requireInput(inputShapes[0], maxLength, embedDim);
    }
}

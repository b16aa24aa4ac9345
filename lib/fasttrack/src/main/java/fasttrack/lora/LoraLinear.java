package fasttrack.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import fasttrack.nn.AdaptedLinear;

/**
 * A trained linear layer y = x·Wᵀ + b, frozen, plus a trainable low-rank update (Hu et al., 2021):
 * <pre>
 * y = x·Wᵀ + b + (α/r) · dropout(x)·Aᵀ·Bᵀ        A: r × d_in,  B: d_out × r
 * </pre>
 * so the layer behaves as if its weight were W + (α/r)·B·A while training only r·(d_in + d_out)
 * numbers instead of d_in·d_out. A starts small and random, B at zero: the adapted layer starts out
 * computing exactly what the base layer does, and training moves it away from there.
 *
 * <p>{@link #merge} folds the update into W (no extra work at inference), {@link #unmerge} takes it
 * back out.
 */
public final class LoraLinear extends AbstractBlock implements AdaptedLinear {

    private final Linear base;
    private final int rank;
    private final float alpha;
    private final int inputs;
    private final int outputs;
    private final Parameter down; // A, r × d_in
    private final Parameter up; // B, d_out × r
    private final Dropout dropout;
    private boolean merged;

    /**
     * Wraps {@code base}, which must already hold its trained weights; call
     * {@link #initialize(NDManager, DataType, Shape...)} (or use {@link LoraAdapters#attach}) to
     * create A and B.
     *
     * @throws IllegalArgumentException if the base layer has no weights yet, or the rank, α or
     *                                  dropout are out of range
     */
    public LoraLinear(Linear base, int rank, float alpha, float dropout) {
        if (!base.isInitialized()) {
            throw new IllegalArgumentException(
                    "LoRA adapts a trained layer, but this Linear has no weights yet: initialize or load the model first");
        }
        Shape weight = base.getParameters().get("weight").getArray().getShape(); // (d_out, d_in)
        this.outputs = Math.toIntExact(weight.get(0));
        this.inputs = Math.toIntExact(weight.get(1));
        if (rank < 1 || rank > Math.min(inputs, outputs)) {
            throw new IllegalArgumentException("the LoRA rank must be between 1 and min(d_in, d_out) = "
                    + Math.min(inputs, outputs) + " for this " + inputs + " → " + outputs + " layer, got " + rank
                    + ": B·A cannot have a higher rank than that");
        }
        LoraConfig.requireAlphaAndDropout(alpha, dropout);
        this.rank = rank;
        this.alpha = alpha;
        this.base = addChildBlock("base", base);
        // Kaiming-uniform-like A (bound 1/√d_in, as PEFT does) keeps A·x of order one; B = 0 makes ΔW = 0.
        this.down = addParameter(Parameter.builder()
                .setName("loraA")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rank, inputs))
                .optInitializer(new UniformInitializer((float) (1 / Math.sqrt(inputs))))
                .build());
        this.up = addParameter(Parameter.builder()
                .setName("loraB")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outputs, rank))
                .optInitializer(new ConstantInitializer(0))
                .build());
        this.dropout = dropout > 0
                ? addChildBlock("dropout", Dropout.builder().optRate(dropout).build())
                : null;
    }

    public Linear base() {
        return base;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** α/r, the factor on B·A. */
    public float scale() {
        return alpha / rank;
    }

    /** W (d_out × d_in), the base layer's frozen weight (W + ΔW while merged). */
    public NDArray weight() {
        return base.getParameters().get("weight").getArray();
    }

    /** b (d_out), the base layer's frozen bias. */
    @Override
    public NDArray bias() {
        return base.getParameters().get("bias").getArray();
    }

    /** A (r × d_in). */
    public NDArray a() {
        return down.getArray();
    }

    /** B (d_out × r). */
    public NDArray b() {
        return up.getArray();
    }

    /** The trainable numbers this adapter adds: r·(d_in + d_out). */
    public long parameterCount() {
        return (long) rank * (inputs + outputs);
    }

    public boolean merged() {
        return merged;
    }

    /** W + (α/r)·B·A, or W itself once merged (it already holds the update). */
    @Override
    public NDArray effectiveWeight(NDManager scratch) {
        return merged() ? weight() : delta(scratch).addi(weight());
    }

    /** ΔW = (α/r)·B·A (d_out × d_in), on {@code manager}: the change this adapter makes to W. */
    public NDArray delta(NDManager manager) {
        try (NDArray a = a().stopGradient();
                NDArray b = b().stopGradient();
                NDArray product = b.matMul(a)) {
            NDArray scaled = product.mul(alpha / rank);
            scaled.attach(manager);
            return scaled;
        }
    }

    /** Adds ΔW into the base weight; the layer then computes the same outputs with one matrix product. */
    public void merge() {
        if (merged) throw new IllegalStateException("this adapter is already merged into its base weight");
        addToBase(1);
        merged = true;
    }

    /** Subtracts ΔW from the base weight again (exact up to float rounding, about 1e-7 relative). */
    public void unmerge() {
        if (!merged) throw new IllegalStateException("this adapter is not merged");
        addToBase(-1);
        merged = false;
    }

    private void addToBase(int sign) {
        NDArray weight = base.getParameters().get("weight").getArray();
        try (NDManager scratch = weight.getManager().newSubManager();
                NDArray view = weight.stopGradient()) {
            view.addi(delta(scratch).muli(sign));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = base.forward(ps, inputs, training).singletonOrThrow();
        if (merged) {
            if (training)
                throw new IllegalStateException(
                        "the adapter is merged into the base weight: unmerge it before training");
            return new NDList(y);
        }
        NDArray x = dropout == null
                ? inputs.singletonOrThrow()
                : dropout.forward(ps, inputs, training).singletonOrThrow();
        NDArray a = ps.getValue(down, x.getDevice(), training);
        NDArray b = ps.getValue(up, x.getDevice(), training);
        // The scale is an array the engine owns (a Number would be freed before backward reads it). It
        // multiplies B (d_out × r numbers), not the product (one row per token), forward and backward.
        NDArray scale = x.getManager().full(new Shape(), alpha / rank, x.getDataType());
        NDArray delta = Linear.linear(Linear.linear(x, a).singletonOrThrow(), b.mul(scale))
                .singletonOrThrow(); // (α/r)·x·Aᵀ·Bᵀ
        return new NDList(y.add(delta));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // The base layer is trained already; only the dropout (if any) needs to know the shape.
        if (dropout != null) dropout.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return base.getOutputShapes(inputShapes);
    }

    @Override
    public String toString() {
        return "LoraLinear(" + inputs + " → " + outputs + ", r=" + rank + ", alpha=" + alpha
                + (merged ? ", merged" : "") + ")";
    }
}

package fasttrack.basics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import fasttrack.data.Dataset2d;
import java.util.Arrays;

/**
 * A multilayer perceptron that classifies 2-D points into class 0 or 1: tanh hidden layers, one
 * output logit, trained full-batch with binary cross-entropy and any DJL optimizer.
 */
public final class PointClassifier implements AutoCloseable {

    private final SequentialBlock block = new SequentialBlock();
    private final NDManager manager;
    private final int[] hidden;

    /**
     * @param hidden the width of each hidden layer, e.g. {@code 16, 16}
     * @param seed   seeds the initial weights: the same seed gives the same network
     */
    public PointClassifier(NDManager parent, long seed, int... hidden) {
        if (hidden == null || hidden.length == 0)
            throw new IllegalArgumentException("give at least one hidden layer width");
        for (int width : hidden) {
            if (width < 1)
                throw new IllegalArgumentException("hidden layer widths must be >= 1, got " + Arrays.toString(hidden));
        }
        this.hidden = hidden.clone();
        for (int width : hidden)
            block.add(Linear.builder().setUnits(width).build()).add(Activation::tanh);
        block.add(Linear.builder().setUnits(1).build());
        manager = parent.newSubManager();
        Engine.getInstance().setRandomSeed((int) seed);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
    }

    /** How many numbers training adjusts: Σ (inputs + 1) · outputs over the layers. */
    public long parameterCount() {
        return block.getParameters().stream()
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
    }

    /**
     * Trains for {@code steps} full-batch steps: forward, loss, backward, optimizer update, then the
     * gradients are zeroed (they accumulate otherwise). Every step's arrays live in their own
     * manager, closed at the end of the step, so native memory stays flat however long it runs.
     * Stops early if the loss stops being finite (too large a learning rate).
     */
    public LossCurve fit(Dataset2d data, Optimizer optimizer, int steps) {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        ParameterStore parameters = new ParameterStore(manager, false);
        double[] losses = new double[steps];
        try (NDManager dataScope = manager.newSubManager()) {
            NDArray x = data.x(dataScope), y = data.y(dataScope);
            for (int step = 0; step < steps; step++) {
                try (NDManager scope = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    scope.tempAttachAll(x, y); // results of ops on x land in scope; x, y go home when it closes
                    NDArray value = binaryCrossEntropy(
                            block.forward(parameters, new NDList(x), true).singletonOrThrow(), y);
                    losses[step] = value.getFloat();
                    if (!Double.isFinite(losses[step])) return new LossCurve(Arrays.copyOf(losses, step), step);
                    collector.backward(value);
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        NDArray weight = p.getValue().getArray();
                        NDArray grad = weight.getGradient();
                        grad.attach(scope);
                        optimizer.update(p.getValue().getId(), weight, grad);
                        grad.subi(grad);
                    }
                }
            }
        }
        return new LossCurve(losses, -1);
    }

    /**
     * Mean binary cross-entropy of logits z against labels y, in the stable form softplus(z) − y·z
     * (= −y·log σ(z) − (1−y)·log(1−σ(z))). Only array-array operations: DJL's scalar overloads free
     * their temporary before backward reads it.
     */
    static NDArray binaryCrossEntropy(NDArray logits, NDArray labels) {
        return Activation.softPlus(logits).sub(logits.mul(labels)).mean();
    }

    /** P(class 1) for each point. */
    public double[] probabilities(double[][] points) {
        try (NDManager scope = manager.newSubManager()) {
            float[][] x = new float[points.length][];
            for (int i = 0; i < points.length; i++) x[i] = new float[] {(float) points[i][0], (float) points[i][1]};
            NDArray logits = block.forward(new ParameterStore(scope, false), new NDList(scope.create(x)), false)
                    .singletonOrThrow();
            float[] p = Activation.sigmoid(logits).toFloatArray();
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) out[i] = p[i];
            return out;
        }
    }

    /** The fraction of points whose predicted class (P ≥ 0.5) matches the label. */
    public double accuracy(Dataset2d data) {
        double[] p = probabilities(data.points());
        int correct = 0;
        for (int i = 0; i < p.length; i++) if ((p[i] >= 0.5 ? 1 : 0) == data.labels()[i]) correct++;
        return (double) correct / p.length;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "PointClassifier 2 -> " + Arrays.toString(hidden) + " -> 1 (tanh), " + parameterCount() + " parameters";
    }
}

package fasttrack.scale;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.TokenBatches;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mixed-precision training (Micikevicius et al. 2018) in float16: the forward and backward passes run
 * on a float16 copy of the model, the float32 master weights take the update. Per step:
 * <ol>
 *   <li>copy the masters into the float16 model;</li>
 *   <li>forward in float16 to the logits; the loss and its gradient with respect to the logits,
 *       (softmax − one-hot)/n, are computed in float32 (a softmax over V terms loses too much in 16 bits);</li>
 *   <li>backward in float16 from that gradient times the loss scale S, so that small gradients do not
 *       underflow float16 (smallest normal 6.1e-5, smallest at all 6e-8);</li>
 *   <li>unscale the gradients into float32; if any is infinite or NaN the step is skipped and S halved,
 *       otherwise AdamW updates the masters (an update of 1e-4 of a weight of 1 is lost in float16,
 *       whose steps near 1 are 2⁻¹⁰), and after {@code growthInterval} good steps S doubles.</li>
 * </ol>
 * bfloat16 keeps float32's exponent, so it needs no loss scaling, but DJL 0.35.1's PyTorch engine aborts
 * the JVM when casting to it; float16 is the 16-bit type that works here.
 */
public final class MixedPrecision implements AutoCloseable {

    private final Gpt master;
    private final Gpt half;
    private final Map<String, NDArray> masters = new LinkedHashMap<>();
    private final List<NDArray> halves = new ArrayList<>();
    private final AdamW optimizer;
    private final TrainingStep steps;
    private final int growthInterval;
    private final NDManager manager;
    private final ParameterStore parameters;
    private float lossScale;
    private int goodSteps;

    /**
     * @param master         the float32 model that is trained
     * @param initialScale   the first loss scale S (a power of two, 2¹⁶ is usual)
     * @param growthInterval good steps before S doubles
     */
    public MixedPrecision(
            Gpt master, float weightDecay, float gradClip, float initialScale, int growthInterval, NDManager parent) {
        if (!(initialScale >= 1) || Float.isInfinite(initialScale))
            throw new IllegalArgumentException("the loss scale must be >= 1, got " + initialScale);
        if (growthInterval < 1)
            throw new IllegalArgumentException("growthInterval must be >= 1, got " + growthInterval);
        this.master = master;
        this.manager = parent.newSubManager();
        this.half = new Gpt(master.config()).initialize(manager, DataType.FLOAT16);
        for (Pair<String, Parameter> p : master.getParameters())
            masters.put(p.getKey(), p.getValue().getArray());
        for (Pair<String, Parameter> p : half.getParameters())
            halves.add(p.getValue().getArray());
        this.optimizer = AdamW.gpt(manager, weightDecay);
        // Overflows in a row are not divergence here: each halves the scale until the gradients fit.
        this.steps = new TrainingStep(optimizer, gradClip, Integer.MAX_VALUE);
        this.growthInterval = growthInterval;
        this.lossScale = initialScale;
        this.parameters = new ParameterStore(manager, false);
    }

    /** The float16 working copy (its weights are the masters' as of the last step). */
    public Gpt halfModel() {
        half.copyWeightsFrom(master);
        return half;
    }

    public float lossScale() {
        return lossScale;
    }

    /** Steps skipped because the scaled gradients overflowed. */
    public int skippedSteps() {
        return steps.skipped();
    }

    /** One step on {@code batch}; returns the float32 loss (also for a skipped step). */
    public double step(TokenBatches.Batch batch, float lr) {
        half.copyWeightsFrom(master);
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(batch.batchSize(), batch.blockSize());
            NDArray targets = scope.create(batch.targets(), shape);
            double loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = half.logits(parameters, scope.create(batch.inputs(), shape), true);
                NDArray logits32 = logits.stopGradient().toType(DataType.FLOAT32, false);
                loss = GptTrainer.crossEntropy(logits32, targets).getFloat();
                NDArray seed = lossGradient(logits32, targets)
                        .mul(scope.create(lossScale))
                        .toType(DataType.FLOAT16, false);
                // d/dlogits of Σ logits·seed is seed: backward starts from the float32 loss's gradient
                collector.backward(logits.mul(seed).sum());
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            double sumOfSquares = 0;
            int i = 0;
            for (String name : masters.keySet()) {
                NDArray g = halves.get(i++)
                        .getGradient()
                        .toType(DataType.FLOAT32, false)
                        .div(scope.create(lossScale));
                double norm = g.norm().getFloat();
                sumOfSquares += norm * norm;
                gradients.put(name, g);
            }
            GptTrainer.clearGradients(halves, scope); // the float16 copy's, which no optimizer clears
            if (steps.update(masters, gradients, Double.isFinite(loss) ? Math.sqrt(sumOfSquares) : Double.NaN, lr)) {
                if (++goodSteps % growthInterval == 0) lossScale *= 2;
            } else { // an overflow: the step is skipped and the scale halved
                goodSteps = 0;
                lossScale = Math.max(1, lossScale / 2);
            }
            return loss;
        }
    }

    /** d(mean cross-entropy)/d logits = (softmax(logits) − one-hot(targets)) / positions, in float32. */
    static NDArray lossGradient(NDArray logits32, NDArray targets) {
        long positions = targets.size();
        NDArray oneHot = targets.toType(DataType.INT64, false)
                .oneHot((int) logits32.getShape().get(2))
                .toType(DataType.FLOAT32, false);
        return logits32.softmax(-1).sub(oneHot).div(logits32.getManager().create((float) positions));
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}

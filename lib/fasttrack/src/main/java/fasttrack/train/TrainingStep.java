package fasttrack.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One optimisation step, the part every trainer of the course shares. A trainer brings only its loss
 * ({@link #run}); one whose gradients come another way (a float16 copy, replicas averaged) uses the
 * end of the step alone ({@link #finish}, {@link #update}).
 * <pre>
 * seed the engine with engineSeed(run, step)   dropout masks depend on run and step only: a resumed run redraws them
 * open the step's NDManager                     every array the step makes is freed when it ends
 * loss, recorded; backward                      ∂loss/∂w added into each weight's gradient
 * ‖g‖ = √(Σ_w ‖g_w‖²)                           the global gradient norm
 * loss and ‖g‖ finite: AdamW at lr on g·min(1, clip/‖g‖)    the update clears the gradients
 * otherwise:           no update, gradients cleared, the skip counted
 * record (step, loss, lr, ‖g‖, seconds)
 * </pre>
 * A step whose loss or gradients are not finite is skipped rather than allowed to poison the weights,
 * as mixed-precision trainers do; more than a few in a row is divergence, and fails saying so.
 */
public final class TrainingStep {

    /** Skips in a row allowed before a run counts as diverged. */
    private static final int SKIPS_BEFORE_DIVERGENCE = 5;

    /**
     * A trainer's loss for one step, in two parts: called with the step's scope before gradients are
     * recorded, it makes the batch's arrays and whatever must build no graph (a teacher's or a frozen
     * reference's forward pass); the supplier it returns computes the loss while they are recorded.
     */
    @FunctionalInterface
    public interface Loss {
        Supplier<NDArray> prepare(NDManager scope);
    }

    private final AdamW optimizer;
    private final float gradClip;
    private final int skipsBeforeDivergence;
    private int skipsInARow;
    private int skipped;

    /** Steps with {@code optimizer}, gradients clipped to global norm {@code gradClip} (0: no clipping); 6 skips in a row fail. */
    public TrainingStep(AdamW optimizer, float gradClip) {
        this(optimizer, gradClip, SKIPS_BEFORE_DIVERGENCE);
    }

    /** As {@link #TrainingStep(AdamW, float)}, failing after more than {@code skipsBeforeDivergence} skips in a row. */
    public TrainingStep(AdamW optimizer, float gradClip, int skipsBeforeDivergence) {
        if (!(gradClip >= 0))
            throw new IllegalArgumentException("gradClip must be >= 0 (0: no clipping), got " + gradClip);
        if (skipsBeforeDivergence < 0)
            throw new IllegalArgumentException("skipsBeforeDivergence must be >= 0, got " + skipsBeforeDivergence);
        this.optimizer = optimizer;
        this.gradClip = gradClip;
        this.skipsBeforeDivergence = skipsBeforeDivergence;
    }

    /**
     * The engine's seed for step {@code step} of a run seeded {@code runSeed}, what its dropout masks
     * are drawn from: runSeed·7919 + step, as an int.
     */
    public static int engineSeed(long runSeed, long step) {
        return (int) (runSeed * 7919 + step);
    }

    /**
     * The random draws of step {@code step}'s batch in a run seeded {@code runSeed}: seeded with
     * runSeed·φ + step, φ = 2⁶⁴/golden ratio (odd: distinct run seeds give distinct products, far
     * apart), so a batch depends on run and step only.
     */
    public static Random batchRandom(long runSeed, long step) {
        return new Random(runSeed * 0x9E3779B97F4A7C15L + step);
    }

    /**
     * One step of {@code loss} on {@code weights}, at learning rate {@code lr}, in a scope opened
     * under {@code parent}; returns its record.
     */
    public TrainingHistory.Step run(
            NDManager parent, long runSeed, int step, float lr, Map<String, NDArray> weights, Loss loss) {
        long started = System.nanoTime();
        Engine.getInstance().setRandomSeed(engineSeed(runSeed, step));
        try (NDManager scope = parent.newSubManager()) {
            Supplier<NDArray> recorded = loss.prepare(scope);
            double value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray computed = recorded.get();
                value = computed.getFloat();
                if (Double.isFinite(value)) collector.backward(computed);
            }
            double norm = finish(value, weights, lr, scope);
            return new TrainingHistory.Step(step, value, lr, norm, (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * The end of a step whose backward has run: ‖g‖ over the weights' gradients, then {@link #update};
     * the gradients of a skipped step are cleared here (an update clears them itself). A loss that is
     * not finite skips the step whatever its gradients. Returns ‖g‖, NaN for such a loss.
     */
    public double finish(double loss, Map<String, NDArray> weights, float lr, NDManager scope) {
        double norm = Double.isFinite(loss) ? GptTrainer.gradientNorm(weights.values()) : Double.NaN;
        if (!update(weights, norm, lr)) GptTrainer.clearGradients(weights.values(), scope);
        return norm;
    }

    /**
     * AdamW on {@code weights} from their gradients times {@link GptTrainer#clipScale clipScale(gradNorm,
     * clip)}, unless {@code gradNorm} is not finite: then a skip, counted. Returns whether it updated
     * (and so cleared the gradients).
     */
    public boolean update(Map<String, NDArray> weights, double gradNorm, float lr) {
        return update(weights, null, gradNorm, lr);
    }

    /**
     * As {@link #update(Map, double, float)} with each weight's gradient given by name (mixed
     * precision computes them on a float16 copy); those are zeroed, the weights' own are not read.
     */
    public boolean update(Map<String, NDArray> weights, Map<String, NDArray> gradients, double gradNorm, float lr) {
        if (!Double.isFinite(gradNorm)) {
            skipped++;
            if (++skipsInARow > skipsBeforeDivergence) {
                throw new IllegalStateException("the loss or the gradients were not finite for " + skipsInARow
                        + " steps in a row: training diverged." + " Lower the learning rate (" + lr
                        + " at this step) or keep gradient clipping on");
            }
            return false;
        }
        float scale = GptTrainer.clipScale(gradNorm, gradClip);
        if (gradients == null) optimizer.step(weights, lr, scale);
        else optimizer.step(weights, gradients, lr, scale);
        skipsInARow = 0;
        return true;
    }

    /** Steps skipped so far because their loss or gradients were not finite. */
    public int skipped() {
        return skipped;
    }
}

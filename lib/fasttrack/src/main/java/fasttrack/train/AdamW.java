package fasttrack.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), written with NDArray operations so its
 * state (the two moment estimates of every weight, and the step count) can be checkpointed and
 * restored exactly. For each weight w with gradient g at step t:
 * <pre>
 * m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 * w ← w − lr·( (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε) + λ·w )     (λ only for matrices, not biases or norms)
 * </pre>
 */
public final class AdamW implements AutoCloseable {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private int steps;

    public AdamW(NDManager parent, float beta1, float beta2, float epsilon, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0) || !(weightDecay >= 0))
            throw new IllegalArgumentException("need epsilon > 0 and weightDecay >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
    }

    /** β1 0.9, β2 0.95, ε 1e-8: the usual GPT settings. */
    public static AdamW gpt(NDManager parent, float weightDecay) {
        return new AdamW(parent, 0.9f, 0.95f, 1e-8f, weightDecay);
    }

    /** One update of every named weight from its gradient, at learning rate {@code lr}; clears the gradients. */
    public void step(Map<String, NDArray> weights, float lr) {
        step(weights, lr, 1f);
    }

    /**
     * One update of every named weight from its gradient times {@code gradScale} (how clipping by
     * global norm is applied without a pass that rewrites every gradient), at learning rate
     * {@code lr}; clears the gradients.
     */
    public void step(Map<String, NDArray> weights, float lr, float gradScale) {
        update(weights, null, lr, gradScale);
    }

    /**
     * As {@link #step(Map, float, float)} with each weight's gradient given by name instead of read
     * from the weight (mixed precision computes them on a float16 copy of the model); zeroes them.
     */
    public void step(Map<String, NDArray> weights, Map<String, NDArray> gradients, float lr, float gradScale) {
        if (!gradients.keySet().equals(weights.keySet()))
            throw new IllegalArgumentException("need one gradient per weight, by the weights' names");
        update(weights, gradients, lr, gradScale);
    }

    private void update(Map<String, NDArray> weights, Map<String, NDArray> gradients, float lr, float gradScale) {
        if (!(lr >= 0) || Float.isInfinite(lr))
            throw new IllegalArgumentException("the learning rate must be a finite number >= 0, got " + lr);
        if (!(gradScale > 0) || Float.isInfinite(gradScale))
            throw new IllegalArgumentException("gradScale must be a finite number > 0, got " + gradScale);
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps), correction2 = 1 - Math.pow(beta2, steps);
        // libtorch's fused update, one engine call per weight instead of a dozen, computes
        //   w <- w - lr·λ·w;  m <- β1·m + (1-β1)·g;  v <- β2·v + (1-β2)·g²;  w <- w - lr'·m / (√v + ε')
        // then zeroes the gradient. With lr' = lr·√c2 / c1 and ε' = ε·√c2 (c = 1 - βᵗ) the last step
        // is w - lr·m̂ / (√v̂ + ε), the formula above, since m̂ = m / c1 and √v̂ = √v / √c2.
        float correctedLr = (float) (lr * Math.sqrt(correction2) / correction1),
                correctedEpsilon = (float) (epsilon * Math.sqrt(correction2));
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray weight = e.getValue();
            NDArray[] mv =
                    moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {zerosLike(weight), zerosLike(weight)});
            float decay = weight.getShape().dimension() >= 2 ? weightDecay : 0f; // matrices only, not biases or norms
            NDArray grad = gradients == null ? weight.getGradient() : gradients.get(e.getKey());
            weight.getNDArrayInternal()
                    .adamUpdate(
                            new NDList(weight, grad, mv[0], mv[1]),
                            new NDList(weight),
                            lr,
                            correctedLr,
                            decay,
                            gradScale,
                            -1f /* no element clipping */,
                            beta1,
                            beta2,
                            correctedEpsilon,
                            false,
                            true);
            if (gradients == null) grad.close(); // a handle to the weight's gradient, not the gradient itself
        }
    }

    public int steps() {
        return steps;
    }

    /** The moments {m, v} of each weight, by name: what a checkpoint saves. */
    public Map<String, NDArray[]> moments() {
        return moments;
    }

    /** Restores a saved state: the step count and each weight's moments (copied into this optimizer). */
    public void restore(int steps, Map<String, float[][]> saved, Map<String, NDArray> weights) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        for (NDArray[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
        for (Map.Entry<String, float[][]> e : saved.entrySet()) {
            NDArray weight = weights.get(e.getKey());
            if (weight == null)
                throw new IllegalArgumentException("optimizer state for unknown weight '" + e.getKey() + "'");
            NDArray m = manager.create(e.getValue()[0], weight.getShape()),
                    v = manager.create(e.getValue()[1], weight.getShape());
            moments.put(
                    e.getKey(),
                    new NDArray[] {m.toDevice(weight.getDevice(), false), v.toDevice(weight.getDevice(), false)});
        }
        this.steps = steps;
    }

    private NDArray zerosLike(NDArray weight) {
        return manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
    }

    @Override
    public void close() {
        manager.close();
    }
}

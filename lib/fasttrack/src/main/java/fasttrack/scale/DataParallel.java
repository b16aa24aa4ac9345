package fasttrack.scale;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.train.AdamW;
import fasttrack.train.GptTrainer;
import fasttrack.train.TokenBatches;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training, simulated in one process: p replicas of one model each take 1/p of every
 * batch, compute their gradients, average them with {@link AllReduce#ringMean ring all-reduce} (what
 * the devices' interconnect would carry), and apply the same AdamW update to their own copy of the
 * weights ({@link TrainingStep#finish}: clipped by the mean's global norm, skipped by all alike when it
 * is not finite), so the replicas never drift apart. Because the loss is a mean over tokens and the shards
 * are equal, the averaged gradient is the whole batch's gradient: p replicas take exactly the step one
 * model would take on the whole batch.
 */
public final class DataParallel implements AutoCloseable {

    private static final NDIndex ALL = new NDIndex("...");

    private final List<Gpt> replicas;
    private final List<Map<String, NDArray>> weights = new ArrayList<>();
    private final List<AdamW> optimizers = new ArrayList<>();
    private final List<TrainingStep> steps = new ArrayList<>();
    private final NDManager manager;
    private final ParameterStore parameters;
    private long elementsSent;

    /**
     * @param replicas    copies of one model with identical weights (build each with the same seed), dropout 0
     * @param weightDecay AdamW's decoupled weight decay
     * @param gradClip    the largest global gradient norm (0: no clipping)
     */
    public DataParallel(List<Gpt> replicas, float weightDecay, float gradClip, NDManager parent) {
        if (replicas.isEmpty()) throw new IllegalArgumentException("data parallelism needs at least one replica");
        Gpt first = replicas.get(0);
        if (first.config().dropout() > 0) {
            throw new IllegalArgumentException("dropout " + first.config().dropout()
                    + " draws different masks on every replica: use dropout 0 to compare with one model");
        }
        for (Gpt r : replicas) {
            if (!r.config().equals(first.config()))
                throw new IllegalArgumentException(
                        "every replica must have the same configuration: " + first.config() + " vs " + r.config());
            weights.add(r.trainableWeights());
        }
        for (int i = 1; i < replicas.size(); i++) {
            for (String name : weights.get(0).keySet()) {
                if (!Arrays.equals(
                        weights.get(0).get(name).toFloatArray(),
                        weights.get(i).get(name).toFloatArray())) {
                    throw new IllegalArgumentException("replica " + i + " differs from replica 0 in " + name
                            + ": replicas must start from the same weights (same seed)");
                }
            }
        }
        this.replicas = List.copyOf(replicas);
        this.manager = parent.newSubManager();
        this.parameters = new ParameterStore(manager, false);
        for (int i = 0; i < replicas.size(); i++) {
            optimizers.add(AdamW.gpt(manager, weightDecay));
            steps.add(new TrainingStep(optimizers.get(i), gradClip));
        }
    }

    /** One data-parallel step on {@code batch} at learning rate {@code lr}; returns the whole batch's mean loss. */
    public double step(TokenBatches.Batch batch, float lr) {
        int p = replicas.size(), rows = batch.batchSize() / p, t = batch.blockSize();
        if (batch.batchSize() % p != 0)
            throw new IllegalArgumentException(
                    "a batch of " + batch.batchSize() + " sequences does not split evenly over " + p + " replicas");
        double loss = 0;
        float[][] gradients = new float[p][];
        try (NDManager scope = manager.newSubManager()) {
            for (int r = 0; r < p; r++) {
                long[] in = Arrays.copyOfRange(batch.inputs(), r * rows * t, (r + 1) * rows * t);
                long[] out = Arrays.copyOfRange(batch.targets(), r * rows * t, (r + 1) * rows * t);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray value = GptTrainer.crossEntropy(
                            replicas.get(r).logits(parameters, scope.create(in, new Shape(rows, t)), true),
                            scope.create(out, new Shape(rows, t)));
                    loss += value.getFloat() / p;
                    collector.backward(value);
                }
                gradients[r] = flatten(weights.get(r));
            }
            elementsSent = AllReduce.ringMean(gradients);
            for (int r = 0; r < p; r++) { // each clips and updates, or skips, on the same mean gradient: the same step
                unflatten(gradients[r], weights.get(r), scope);
                steps.get(r).finish(loss, weights.get(r), lr, scope);
            }
        }
        return loss;
    }

    /** Elements of gradient each replica sent in the last step's all-reduce. */
    public long elementsSentPerReplica() {
        return elementsSent;
    }

    private static float[] flatten(Map<String, NDArray> weights) {
        int
                size =
                        weights.values().stream()
                                .mapToInt(w -> Math.toIntExact(w.size()))
                                .sum(),
                at = 0;
        float[] flat = new float[size];
        for (NDArray w : weights.values()) {
            try (NDArray grad = w.getGradient()) {
                float[] g = grad.toFloatArray();
                System.arraycopy(g, 0, flat, at, g.length);
                at += g.length;
            }
        }
        return flat;
    }

    private static void unflatten(float[] flat, Map<String, NDArray> weights, NDManager scope) {
        int at = 0;
        for (NDArray w : weights.values()) {
            int n = Math.toIntExact(w.size());
            try (NDArray grad = w.getGradient()) {
                grad.set(ALL, scope.create(Arrays.copyOfRange(flat, at, at + n), w.getShape()));
            }
            at += n;
        }
    }

    @Override
    public void close() {
        for (AdamW o : optimizers) o.close();
        manager.close();
    }
}

package fasttrack.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import fasttrack.nn.Attention;
import fasttrack.train.GptTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A transformer with attention layers only (no MLPs, no layer norms), the model of Elhage et al.'s
 * "A Mathematical Framework for Transformer Circuits": the residual stream starts as token plus
 * position embedding, every head of every layer adds its output to it, and the unembedding reads
 * the logits from the sum. Each head h is four matrices, so its circuits can be read directly:
 * <pre>
 * A_h = softmax(causal((x W_Q^h)(x W_K^h)ᵀ / √d))        out_h = A_h · x W_V^h W_O^h
 * x ← x + Σ_h out_h                                      logits = x W_U
 * </pre>
 * The per-head weights are stored stacked, (heads, C, d) for W_Q, W_K, W_V and (heads, d, C) for
 * W_O, so a forward pass computes all heads in batched products yet each head stays addressable
 * (for attention patterns, copying scores and ablation).
 */
public final class AttentionOnlyTransformer implements AutoCloseable {

    /**
     * @param vocabSize tokens read and predicted
     * @param context   the longest sequence
     * @param layers    attention layers
     * @param heads     heads per layer
     * @param headDim   d, each head's query/key/value width (the residual stream is C = heads · d)
     */
    public record Config(int vocabSize, int context, int layers, int heads, int headDim) {
        public Config {
            if (vocabSize < 2) throw new IllegalArgumentException("vocabSize must be at least 2, got " + vocabSize);
            if (context < 2) throw new IllegalArgumentException("context must be at least 2 tokens, got " + context);
            if (layers < 1 || heads < 1 || headDim < 1) {
                throw new IllegalArgumentException(
                        "layers, heads and headDim must be at least 1, got " + layers + ", " + heads + ", " + headDim);
            }
        }

        /** The residual stream's width C = heads · headDim. */
        public int width() {
            return heads * headDim;
        }
    }

    /** What one forward pass computed: logits (B, T, V) and each layer's attention patterns (B, heads, T, T). */
    public record Forward(NDArray logits, List<NDArray> patterns) {}

    private final Config config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();

    private AttentionOnlyTransformer(Config config, NDManager manager) {
        this.config = config;
        this.manager = manager;
    }

    /**
     * A model with random weights (normal, standard deviation 0.02 for embeddings, 1/√fan-in for the
     * head matrices), drawn from {@code seed} so two models with one seed are identical.
     */
    public static AttentionOnlyTransformer create(Config config, NDManager parent, long seed) {
        AttentionOnlyTransformer model = new AttentionOnlyTransformer(config, parent.newSubManager());
        Random random = new Random(seed);
        int c = config.width(), d = config.headDim(), h = config.heads();
        model.add("embedding", random, 0.02, config.vocabSize(), c);
        model.add("positions", random, 0.02, config.context(), c);
        for (int l = 0; l < config.layers(); l++) {
            for (String m : new String[] {"query", "key", "value"})
                model.add(name(l, m), random, 1 / Math.sqrt(c), h, c, d);
            model.add(name(l, "output"), random, 1 / Math.sqrt(c), h, d, c);
        }
        model.add("unembedding", random, 1 / Math.sqrt(c), c, config.vocabSize());
        return model;
    }

    private void add(String name, Random random, double std, long... shape) {
        Shape s = new Shape(shape);
        float[] values = new float[(int) s.size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * std);
        NDArray w = manager.create(values, s);
        w.setRequiresGradient(true);
        weights.put(name, w);
    }

    static String name(int layer, String matrix) {
        return "layer" + layer + "." + matrix;
    }

    public Config config() {
        return config;
    }

    /** Every weight by name, in a fixed order: what the optimizer updates. */
    public Map<String, NDArray> weights() {
        return weights;
    }

    /** W_Q of one head, (C, d): its queries are x·W_Q. */
    public NDArray query(int layer, int head) {
        return headMatrix(layer, head, "query");
    }

    /** W_K of one head, (C, d): its keys are x·W_K. */
    public NDArray key(int layer, int head) {
        return headMatrix(layer, head, "key");
    }

    /** W_V of one head, (C, d): its values are x·W_V. */
    public NDArray value(int layer, int head) {
        return headMatrix(layer, head, "value");
    }

    /** W_O of one head, (d, C): maps its weighted values back to the residual stream. */
    public NDArray output(int layer, int head) {
        return headMatrix(layer, head, "output");
    }

    /** W_Q, W_K, W_V (each (C, d)) or W_O ((d, C)) of one head, by matrix name. */
    NDArray headMatrix(int layer, int head, String matrix) {
        requireHead(layer, head);
        NDArray stacked = weights.get(name(layer, matrix));
        if (stacked == null)
            throw new IllegalArgumentException("no matrix '" + matrix + "': use query, key, value or output");
        return stacked.get(head);
    }

    /** W_V·W_O of one head, (C, C): what the head writes to the residual stream for each vector it attends to. */
    public NDArray ovMatrix(int layer, int head) {
        return value(layer, head).matMul(output(layer, head));
    }

    /**
     * The head's OV circuit from tokens to logits, W_E·W_V·W_O·W_U (V, V): row t is what attending to
     * token t's embedding adds to each output logit, directly. A copying head has a large diagonal.
     */
    public NDArray ovCircuit(int layer, int head) {
        return embedding().matMul(ovMatrix(layer, head)).matMul(unembedding());
    }

    /** W_pos, (context, C): the vector added for each position. */
    public NDArray positions() {
        return weights.get("positions");
    }

    /** W_E, (V, C): the vector of each token. */
    public NDArray embedding() {
        return weights.get("embedding");
    }

    public NDArray unembedding() {
        return weights.get("unembedding");
    }

    public long parameterCount() {
        long n = 0;
        for (NDArray w : weights.values()) n += w.size();
        return n;
    }

    /** The forward pass with every head intact. */
    public Forward forward(NDArray tokens) {
        return forward(tokens, HeadAblation.none());
    }

    /**
     * The forward pass of token ids (B, T), with the heads {@code ablation} names replaced (by zero,
     * or by their mean output). Where the replacement applies is the ablation's {@link HeadAblation.Path}:
     * everywhere (the residual stream itself), or only in what later layers' keys, queries or values
     * read, the rest of the model still seeing the heads intact.
     */
    public Forward forward(NDArray tokens, HeadAblation ablation) {
        Shape shape = tokens.getShape();
        if (shape.dimension() != 2) throw new IllegalArgumentException("tokens must be (batch, time), got " + shape);
        int t = (int) shape.get(1);
        if (t > config.context())
            throw new IllegalArgumentException(t + " tokens do not fit the context of " + config.context());
        ablation.requireWithin(config);
        NDManager m = tokens.getManager();
        // Results belong to the manager of an op's first operand: the two lookups into the weights
        // are moved to the tokens' manager, so every array of the pass is freed with the caller's scope.
        NDArray tokenVectors = weights.get("embedding").get(tokens.toType(DataType.INT64, false));
        NDArray positionVectors = weights.get("positions").get("0:" + t);
        tokenVectors.attach(m);
        positionVectors.attach(m);
        NDArray x = tokenVectors.add(positionVectors); // (B, T, C)
        NDArray mask = Attention.causalMask(m, t, DataType.FLOAT32);
        NDArray scale = m.full(new Shape(), (float) (1 / Math.sqrt(config.headDim())), DataType.FLOAT32);
        HeadAblation.Path path = ablation.path();
        NDArray removed = null; // for a path ablation: what the ablated heads wrote, minus their replacement
        List<NDArray> patterns = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            NDArray in = x.expandDims(1); // (B, 1, T, C)
            NDArray cleaned = removed == null ? in : x.sub(removed).expandDims(1);
            NDArray q = (path == HeadAblation.Path.QUERIES ? cleaned : in)
                    .matMul(weights.get(name(l, "query")))
                    .mul(scale); // (B, H, T, d)
            NDArray k = (path == HeadAblation.Path.KEYS ? cleaned : in).matMul(weights.get(name(l, "key")));
            NDArray v = (path == HeadAblation.Path.VALUES ? cleaned : in).matMul(weights.get(name(l, "value")));
            NDArray pattern = q.matMul(k.swapAxes(-1, -2)).add(mask).softmax(-1); // (B, H, T, T)
            NDArray out = pattern.matMul(v).matMul(weights.get(name(l, "output"))); // (B, H, T, C)
            patterns.add(pattern);
            NDArray replaced = ablation.apply(l, out);
            if (path == HeadAblation.Path.EVERYWHERE || replaced == out) {
                x = x.add(replaced.sum(new int[] {1}));
            } else {
                NDArray difference = out.sub(replaced).sum(new int[] {1});
                removed = removed == null ? difference : removed.add(difference);
                x = x.add(out.sum(new int[] {1}));
            }
        }
        return new Forward(x.matMul(weights.get("unembedding")), patterns);
    }

    /**
     * The mean next-token loss at each position (T values) over rows of T + 1 tokens (inputs, then
     * the last target), with {@code ablation} applied; arrays live in {@code manager}.
     */
    public double[] lossByPosition(NDManager manager, int[][] rows, HeadAblation ablation) {
        return lossByPosition(
                forward(InductionTraining.inputs(manager, rows), ablation).logits(),
                InductionTraining.targets(manager, rows));
    }

    /** The mean next-token loss at each position of logits (B, T, V) against targets (B, T): T values. */
    static double[] lossByPosition(NDArray logits, NDArray targets) {
        NDArray losses = GptTrainer.tokenLogProbs(logits, targets).neg(); // (B, T)
        float[] mean = losses.mean(new int[] {0}).toFloatArray();
        double[] out = new double[mean.length];
        for (int i = 0; i < out.length; i++) out[i] = mean[i];
        return out;
    }

    /** Each weight's values, by name: a copy that {@link #load} restores exactly. */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        weights.forEach((n, w) -> copy.put(n, w.toFloatArray()));
        return copy;
    }

    /** Puts back weights taken by {@link #snapshot}. */
    public void load(Map<String, float[]> snapshot) {
        if (!snapshot.keySet().equals(weights.keySet()))
            throw new IllegalArgumentException(
                    "the snapshot has weights " + snapshot.keySet() + ", the model " + weights.keySet());
        weights.forEach((n, w) -> {
            float[] values = snapshot.get(n);
            if (values.length != w.size())
                throw new IllegalArgumentException(
                        "weight " + n + " has " + w.size() + " values, the snapshot " + values.length);
            w.set(values);
        });
    }

    void requireHead(int layer, int head) {
        if (layer < 0 || layer >= config.layers())
            throw new IllegalArgumentException(
                    "layer " + layer + " is out of range: the model has layers 0.." + (config.layers() - 1));
        if (head < 0 || head >= config.heads())
            throw new IllegalArgumentException(
                    "head " + head + " is out of range: each layer has heads 0.." + (config.heads() - 1));
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "AttentionOnlyTransformer(" + config + ", " + parameterCount() + " parameters)";
    }
}

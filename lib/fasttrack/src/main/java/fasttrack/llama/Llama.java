package fasttrack.llama;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import fasttrack.nn.KvCache;
import fasttrack.tensors.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Llama-style decoder: token embeddings (no position table: RoPE rotates queries and keys inside
 * attention), a stack of {@link LlamaBlock}s, a final {@link RmsNorm} and a linear output layer.
 * Token ids (B, T) give logits (B, T, V), position t predicting token t + 1, as the course's
 * {@code Gpt} does; the differences are the parts, one section of notebook 20 each.
 */
public final class Llama extends AbstractBlock {

    /**
     * What a forward pass gives: the logits (B, t, V), and for a mixture of experts the
     * load-balancing loss (a scalar, the mean over layers) and every layer's expert load (layers, E);
     * both null for a dense model.
     */
    public record Output(NDArray logits, NDArray balancingLoss, NDArray expertLoad) {}

    private final LlamaConfig config;
    private final Parameter tokenEmbedding;
    private final List<LlamaBlock> blocks = new ArrayList<>();
    private final AbstractBlock finalNorm;
    private final Linear head;

    public Llama(LlamaConfig config) {
        this.config = config;
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("tokens")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.embedDim()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        for (int i = 0; i < config.layers(); i++) blocks.add(addChildBlock("block" + i, new LlamaBlock(config)));
        finalNorm = addChildBlock("finalNorm", LlamaBlock.norm(config));
        head = config.tieWeights()
                ? null
                : addChildBlock(
                        "head",
                        Linear.builder()
                                .setUnits(config.vocabSize())
                                .optBias(false)
                                .build());
    }

    /** A model of {@code config} with weights drawn from the engine seeded with {@code seed}. */
    public static Llama create(LlamaConfig config, NDManager manager, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return new Llama(config).initialize(manager);
    }

    public LlamaConfig config() {
        return config;
    }

    public List<LlamaBlock> blocks() {
        return List.copyOf(blocks);
    }

    /** The token embedding table (V, C). */
    public NDArray tokenEmbeddings() {
        return tokenEmbedding.getArray();
    }

    public RmsNorm finalNorm() {
        return LlamaBlock.rms(finalNorm);
    }

    /** The output weights (V, C): the head's, or the token embedding when tied. */
    public NDArray outputWeights() {
        return head == null
                ? tokenEmbedding.getArray()
                : head.getParameters().get("weight").getArray();
    }

    /** Creates the parameters on {@code manager}'s device: weight matrices N(0, 0.02²), RMSNorm scales 1. */
    public Llama initialize(NDManager manager) {
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        initialize(manager, DataType.FLOAT32, new Shape(1, config.blockSize()));
        return this;
    }

    public long parameterCount() {
        return getParameters().stream()
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
    }

    /** Every weight by name, in model order. */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : getParameters())
            weights.put(p.getKey(), p.getValue().getArray());
        return weights;
    }

    /** A KV cache with one layer per block; it holds each layer's K key/value heads. Close it when done. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, blocks.size());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null).logits());
    }

    /** Inference: logits (B, T, V) for token ids (B, T), in the ids' manager; nothing else is left there. */
    public NDArray logits(NDArray ids) {
        return inference(ids, null);
    }

    /** Inference: logits (B, t, V) for t new tokens after the cached ones; extends the cache. */
    public NDArray logitsCached(NDArray ids, KvCache cache) {
        return inference(ids, cache);
    }

    private NDArray inference(NDArray ids, KvCache cache) {
        NDManager caller = ids.getManager();
        try (NDManager scope = caller.newSubManager(ids.getDevice())) {
            scope.tempAttachAll(ids);
            NDArray logits =
                    forward(new ParameterStore(scope, false), ids, false, cache).logits();
            logits.attach(caller);
            return logits;
        }
    }

    /**
     * The forward pass. With a {@code cache} (generation only, else null) the ids are new tokens after
     * the {@code cache.length()} cached ones: RoPE rotates them for their true positions.
     */
    public Output forward(ParameterStore ps, NDArray ids, boolean training, KvCache cache) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2) throw new IllegalArgumentException("token ids must be (batch, time), got " + shape);
        if (cache != null && cache.layers() != blocks.size())
            throw new IllegalArgumentException(
                    "the cache has " + cache.layers() + " layers, the model " + blocks.size());
        int offset = cache == null ? 0 : cache.length();
        if (offset + shape.get(1) > config.blockSize()) {
            throw new IllegalArgumentException((offset + shape.get(1)) + " positions exceed the context of "
                    + config.blockSize() + " tokens: crop the input to the last " + config.blockSize());
        }
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        NDArray h = Embedding.embedding(ids.toType(DataType.INT64, false), table, SparseFormat.DENSE)
                .singletonOrThrow();
        h.attach(ids.getManager());
        NDList balance = new NDList(), load = new NDList();
        for (int i = 0; i < blocks.size(); i++) {
            NDList out = blocks.get(i).forward(ps, h, training, cache == null ? null : cache.layer(i));
            h = out.get(0);
            if (out.size() > 2) {
                balance.add(out.get(2));
                load.add(out.get(3));
            }
        }
        h = finalNorm.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray logits;
        if (head != null) logits = head.forward(ps, new NDList(h), training).singletonOrThrow();
        else {
            NDArray transposed = table.transpose();
            transposed.attach(h.getManager());
            logits = h.matMul(transposed);
        }
        if (balance.isEmpty()) return new Output(logits, null, null);
        return new Output(logits, NDArrays.stack(balance).mean(), NDArrays.stack(load));
    }

    /**
     * A copy with {@code kvHeads} key/value heads made by mean-pooling each group of this model's
     * key and value heads (Ainslie et al. 2023's conversion of a multi-head checkpoint, before any
     * further training); every other weight is copied. RoPE is linear and the same for every head,
     * so pooling the projections pools the rotated keys.
     */
    public Llama poolKeyValueHeads(int kvHeads, NDManager manager) {
        if (config.kvHeads() % kvHeads != 0) {
            throw new IllegalArgumentException(
                    "can pool " + config.kvHeads() + " key/value heads into a number that divides it, not " + kvHeads);
        }
        Llama pooled = new Llama(config.withKvHeads(kvHeads)).initialize(manager);
        int d = config.headDim(), group = config.kvHeads() / kvHeads;
        Set<NDArray> pooledWeights = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < blocks.size(); i++) {
            GroupedQueryAttention from = blocks.get(i).attention(),
                    to = pooled.blocks.get(i).attention();
            Tensors.overwrite(to.keyWeight(), pool(Tensors.floats(from.keyWeight()), config.embedDim(), d, group));
            Tensors.overwrite(to.valueWeight(), pool(Tensors.floats(from.valueWeight()), config.embedDim(), d, group));
            pooledWeights.add(to.keyWeight());
            pooledWeights.add(to.valueWeight());
        }
        PairList<String, Parameter> mine = getParameters(), theirs = pooled.getParameters();
        for (int p = 0; p < mine.size(); p++) {
            NDArray target = theirs.get(p).getValue().getArray();
            if (!pooledWeights.contains(target))
                Tensors.overwrite(target, Tensors.floats(mine.get(p).getValue().getArray()));
        }
        return pooled;
    }

    /** Rows (K·d, C) → (K/group·d, C): the mean of each group of {@code group} consecutive heads. */
    private static float[] pool(float[] w, int columns, int d, int group) {
        int heads = w.length / columns / d, out = heads / group;
        float[] pooled = new float[out * d * columns];
        for (int g = 0; g < out; g++)
            for (int m = 0; m < group; m++)
                for (int r = 0; r < d; r++)
                    for (int c = 0; c < columns; c++)
                        pooled[(g * d + r) * columns + c] += w[((g * group + m) * d + r) * columns + c] / group;
        return pooled;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.embedDim());
        for (LlamaBlock block : blocks) block.initialize(manager, dataType, hidden);
        finalNorm.initialize(manager, dataType, hidden);
        if (head != null) head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }

    @Override
    public String toString() {
        return "Llama(" + config + "), " + config.parameterCount() + " parameters";
    }
}

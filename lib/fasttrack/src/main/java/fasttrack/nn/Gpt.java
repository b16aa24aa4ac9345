package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GPT: token embeddings plus learned position embeddings, a stack of causal pre-norm transformer
 * blocks, a final layer norm and a linear layer to one logit per vocabulary token. Input token ids
 * (B, T), output logits (B, T, V): position t's logits predict token t + 1.
 */
public final class Gpt extends AbstractBlock {

    private static final NDIndex ALL = new NDIndex("...");

    private final GptConfig config;
    private final Parameter tokenEmbedding;
    private final LearnedPositionalEmbedding positions;
    private final Dropout dropout;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    public Gpt(GptConfig config) {
        this.config = config;
        tokenEmbedding = addParameter(Parameter.builder()
                .setName("tokens")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.embedDim()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        positions = addChildBlock("positions", new LearnedPositionalEmbedding(config.blockSize(), config.embedDim()));
        dropout = addChildBlock(
                "dropout", Dropout.builder().optRate(config.dropout()).build());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(addChildBlock(
                    "block" + i,
                    new TransformerBlock(TransformerBlock.Config.gpt(
                            config.embedDim(), config.heads(), config.dropout(), config.activation()))));
        }
        finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
        head = config.tieWeights()
                ? null
                : addChildBlock(
                        "head",
                        Linear.builder()
                                .setUnits(config.vocabSize())
                                .optBias(false)
                                .build());
    }

    public GptConfig config() {
        return config;
    }

    public List<TransformerBlock> blocks() {
        return List.copyOf(blocks);
    }

    /** The token embedding table (V, C): row i is token i's vector (read it, do not write to it). */
    public NDArray tokenEmbeddings() {
        return tokenEmbedding.getArray();
    }

    /** The position embedding table (blockSize, C): row t is added to the token at position t. */
    public NDArray positionEmbeddings() {
        return positions.table();
    }

    /** The layer norm after the last block. */
    public LayerNorm finalNorm() {
        return finalNorm;
    }

    /** The output weights W (V, C), logits = h Wᵀ (the head has no bias): the head's, or the token embedding when tied. */
    public NDArray outputWeights() {
        return head == null ? tokenEmbedding.getArray() : LinearLayers.weight(head);
    }

    /**
     * Creates the parameters on {@code manager}'s device, seeded by the engine's random seed. Weight
     * matrices start as N(0, 0.02²) (GPT-2's choice): small logits, so the first loss is close to
     * ln V, the loss of a uniform guess.
     */
    public Gpt initialize(NDManager manager) {
        return initialize(manager, DataType.FLOAT32);
    }

    /**
     * As {@link #initialize(NDManager)}, with parameters of type {@code dataType} (FLOAT16 for the
     * working copy of mixed-precision training; DJL 0.35's PyTorch engine aborts the JVM on BFLOAT16).
     */
    public Gpt initialize(NDManager manager, DataType dataType) {
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException("a GPT's parameters can be FLOAT32 or FLOAT16, not " + dataType
                    + (dataType == DataType.BFLOAT16 ? " (DJL 0.35.1 aborts the JVM when casting to bfloat16)" : ""));
        }
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        initialize(manager, dataType, new Shape(1, config.blockSize()));
        return this;
    }

    public long parameterCount() {
        return getParameters().stream()
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
    }

    /** The weights training would change (all, unless some are frozen, as LoRA does), by name in model order. */
    public Map<String, NDArray> trainableWeights() {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : getParameters())
            if (p.getValue().requiresGradient())
                weights.put(p.getKey(), p.getValue().getArray());
        return weights;
    }

    /**
     * Copies every weight of {@code source}, a model with the same configuration and parameters,
     * into this one, cast to this model's type (a float16 copy of a float32 model, say).
     */
    public void copyWeightsFrom(Gpt source) {
        PairList<String, Parameter> from = source.getParameters(), to = getParameters();
        if (!source.config.equals(config) || !from.keys().equals(to.keys())) {
            throw new IllegalArgumentException(
                    "can only copy between models with the same configuration and parameters: " + source.config + " vs "
                            + config);
        }
        for (int i = 0; i < to.size(); i++) {
            NDArray target = to.get(i).getValue().getArray();
            try (NDArray cast = from.get(i).getValue().getArray().toType(target.getDataType(), true);
                    NDArray view = target.stopGradient()) {
                view.set(
                        ALL,
                        cast); // through a detached view: an in-place write to a weight that records gradients fails
            }
        }
    }

    /** The parameters training would change: all of them, unless some are frozen (as LoRA does). */
    public long trainableParameterCount() {
        return getParameters().stream()
                .filter(p -> p.getValue().requiresGradient())
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.singletonOrThrow(), training));
    }

    /**
     * Inference: logits (B, T, V) for token ids (B, T), training off (no dropout). The result lives
     * in the ids' manager, and nothing else is left there: the intermediate arrays of the forward
     * pass are freed before it returns. For training, pass a ParameterStore and {@code training =
     * true} to {@link #logits(ParameterStore, NDArray, boolean)}.
     */
    public NDArray logits(NDArray ids) {
        return inference(ids, null, false).get(0);
    }

    /** Inference, as {@link #logits(NDArray)}: the logits, then every layer's attention weights (B, heads, T, T). */
    public NDList logitsWithAttention(NDArray ids) {
        return inference(ids, null, true);
    }

    /**
     * Inference, as {@link #logits(NDArray)}: logits (B, t, V) for new token ids (B, t) that follow
     * the {@code cache.length()} cached tokens; extends the cache (whose arrays the cache owns).
     */
    public NDArray logitsCached(NDArray ids, KvCache cache) {
        return inference(ids, cache, false).get(0);
    }

    /**
     * The forward pass with training off, on a scope below the ids' manager (and a ParameterStore of
     * its own there, which holds the weights themselves, no copies, when they live on the ids'
     * device): the logits, and the attention maps if asked for, move to the ids' manager, and the
     * scope frees everything else.
     */
    private NDList inference(NDArray ids, KvCache cache, boolean withMaps) {
        NDManager caller = ids.getManager();
        try (NDManager scope = caller.newSubManager(ids.getDevice())) {
            scope.tempAttachAll(ids); // ops on the ids put their results in the scope; the ids go back on close
            NDList out = logits(new ParameterStore(scope, false), ids, false, cache);
            if (!withMaps) out = new NDList(out.get(0));
            out.attach(caller);
            return out;
        }
    }

    /** Logits (B, T, V) for token ids (B, T). */
    public NDArray logits(ParameterStore ps, NDArray ids, boolean training) {
        return logits(ps, ids, training, null).get(0);
    }

    /** Logits and every layer's attention weights (B, heads, T, T), for attention maps. */
    public NDList logitsWithAttention(ParameterStore ps, NDArray ids) {
        return logits(ps, ids, false, null);
    }

    /**
     * Logits (B, t, V) for new token ids (B, t) that follow the {@code cache.length()} tokens whose
     * keys and values are cached; extends the cache. Inference only.
     */
    public NDArray logitsCached(ParameterStore ps, NDArray ids, KvCache cache) {
        return logits(ps, ids, false, cache).get(0);
    }

    /**
     * The hidden states (B, T, C) after the final layer norm for token ids (B, T): what the output
     * head reads, and what a new head (a classifier, say) can read instead. Position t has seen
     * tokens 0..t only, so the last position is the only one that has seen the whole input.
     */
    public NDArray features(ParameterStore ps, NDArray ids, boolean training) {
        return features(ps, ids, training, null).get(0);
    }

    /**
     * The forward pass up to the head: token ids (B, t) give the features (B, t, C), followed by
     * every layer's attention weights (B, heads, t, S). Embed tokens and positions, run the blocks,
     * normalise. With a {@code cache} (generation only; {@code null} otherwise) the ids are new
     * tokens after the {@code cache.length()} cached ones: their positions start there, and every
     * block's attention reads and extends its layer of the cache.
     */
    public NDList features(ParameterStore ps, NDArray ids, boolean training, KvCache cache) {
        if (cache != null && cache.layers() != blocks.size())
            throw new IllegalArgumentException(
                    "the cache has " + cache.layers() + " layers, the model " + blocks.size());
        NDArray h = embed(ps, ids, cache == null ? 0 : cache.length(), training);
        NDList weights = new NDList();
        for (int i = 0; i < blocks.size(); i++) {
            NDList block = blocks.get(i).forward(ps, h, training, cache == null ? null : cache.layer(i));
            h = block.get(0);
            weights.add(block.get(1));
        }
        NDList out = new NDList(finalNorm.forward(ps, new NDList(h), training).singletonOrThrow());
        out.addAll(weights);
        return out;
    }

    /** The output head: features (B, T, C) to logits (B, T, V) = h Wᵀ (the head has no bias). */
    public NDArray head(ParameterStore ps, NDArray features, boolean training) {
        if (head != null)
            return head.forward(ps, new NDList(features), training).singletonOrThrow();
        NDArray transposed =
                ps.getValue(tokenEmbedding, features.getDevice(), training).transpose();
        transposed.attach(features.getManager()); // a view, but its handle must not pile up in the table's manager
        return features.matMul(transposed); // tied: logits = h Eᵀ
    }

    /**
     * The whole forward pass: {@link #features} then {@link #head}. Token ids (B, t) give the logits
     * (B, t, V), followed by every layer's attention weights; {@code cache} as in {@link #features}.
     */
    public NDList logits(ParameterStore ps, NDArray ids, boolean training, KvCache cache) {
        NDList out = features(ps, ids, training, cache);
        out.set(0, head(ps, out.get(0), training));
        return out;
    }

    private NDArray embed(ParameterStore ps, NDArray ids, int offset, boolean training) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2) throw new IllegalArgumentException("token ids must be (batch, time), got " + shape);
        if (offset + shape.get(1) > config.blockSize()) {
            throw new IllegalArgumentException((offset + shape.get(1)) + " positions exceed the context of "
                    + config.blockSize() + " tokens: crop the input to the last " + config.blockSize());
        }
        NDArray table = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        // (B, T, C): row i of the table for token i, via torch's embedding op (its backward adds
        // into the used rows).
        NDArray h = Embedding.embedding(ids.toType(DataType.INT64, false), table, SparseFormat.DENSE)
                .singletonOrThrow();
        h.attach(ids.getManager()); // the engine puts it beside the table; it belongs to the caller's (per-step) scope
        h = positions.add(ps, h, offset, training);
        return Dropouts.apply(dropout, config.dropout(), ps, h, training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.embedDim());
        positions.initialize(manager, dataType, hidden);
        dropout.initialize(manager, dataType, hidden);
        for (TransformerBlock block : blocks) block.initialize(manager, dataType, hidden);
        finalNorm.initialize(manager, dataType, hidden);
        if (head != null) head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }

    @Override
    public String toString() {
        return "Gpt(" + config + "), " + config.parameterCount() + " parameters";
    }
}

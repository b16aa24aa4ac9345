package fasttrack.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.nn.KvCache;
import java.util.Arrays;
import java.util.Random;

/**
 * Autoregressive generation: feed the context, pick the next token from the last position's logits,
 * append it, repeat. Without a cache every step re-runs the whole context (up to the model's block
 * size); with a KV cache each step runs only the new token, reusing the keys and values of the ones
 * before. Both give the same tokens. On the CPU the cached path runs in a {@link CachedDecoder}
 * (plain Java loops: one token is too little work to pay the engine's per-call cost ~150 times);
 * elsewhere it runs {@link Gpt#logitsCached}.
 */
public final class Generator {

    private final Gpt model;
    private final NDManager manager;
    private final ParameterStore parameters;

    public Generator(Gpt model, NDManager manager) {
        this.model = model;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
    }

    /** {@code prompt} followed by {@code count} generated token ids. */
    public int[] generate(int[] prompt, int count, Sampling sampling, boolean useCache) {
        if (prompt == null || prompt.length == 0)
            throw new IllegalArgumentException("the prompt needs at least one token");
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        int vocab = model.config().vocabSize();
        for (int id : prompt) {
            if (id < 0 || id >= vocab)
                throw new IllegalArgumentException(
                        "prompt token " + id + " is outside the vocabulary 0.." + (vocab - 1));
        }
        Random random = new Random(sampling.seed());
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        int length = prompt.length;
        CachedDecoder decoder = useCache ? CachedDecoder.of(model) : null; // a snapshot of the weights as they are now
        try (KvCache cache = useCache && decoder == null
                ? new KvCache(manager, model.config().layers())
                : null) {
            for (int i = 0; i < count; i++) {
                float[] logits = decoder != null
                        ? nextLogits(tokens, length, decoder)
                        : useCache ? nextLogitsCached(tokens, length, cache) : nextLogits(tokens, length);
                tokens[length++] = sampling.sample(logits, random);
            }
        }
        return tokens;
    }

    private float[] nextLogits(int[] tokens, int length, CachedDecoder decoder) {
        int block = model.config().blockSize();
        if (decoder.length() > 0 && decoder.length() < block) return decoder.next(tokens[length - 1]);
        // Empty, or the window is full: cached positions would shift, so prefill afresh.
        decoder.clear();
        float[] logits = null;
        for (int i = Math.max(0, length - block); i < length; i++) logits = decoder.next(tokens[i]);
        return logits;
    }

    /** The logits for the token after tokens[0..length), from the last blockSize tokens. */
    public float[] nextLogits(int[] tokens, int length) {
        int start = Math.max(0, length - model.config().blockSize());
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = model.logits(parameters, ids(scope, tokens, start, length), false);
            return lastRow(logits);
        }
    }

    private float[] nextLogitsCached(int[] tokens, int length, KvCache cache) {
        int block = model.config().blockSize();
        try (NDManager scope = manager.newSubManager()) {
            if (cache.length() == 0 || cache.length() >= block) {
                // Empty, or the window is full: cached positions would shift, so prefill afresh.
                cache.clear();
                return lastRow(
                        model.logitsCached(parameters, ids(scope, tokens, Math.max(0, length - block), length), cache));
            }
            return lastRow(model.logitsCached(parameters, ids(scope, tokens, length - 1, length), cache));
        }
    }

    private static NDArray ids(NDManager scope, int[] tokens, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) ids[i - from] = tokens[i];
        return scope.create(ids, new Shape(1, ids.length));
    }

    private static float[] lastRow(NDArray logits) {
        long t = logits.getShape().get(1);
        return logits.get("0, {}", t - 1).toFloatArray();
    }
}

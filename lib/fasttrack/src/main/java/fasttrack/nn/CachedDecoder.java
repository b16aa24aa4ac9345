package fasttrack.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GPT's weights copied into Java arrays, decoding one sequence a token at a time with its own KV
 * cache: the same arithmetic as {@link Gpt#logitsCached} for batch 1 on the CPU.
 *
 * <p>Why it exists: one cached token is about 0.8 M multiply-adds spread over some 150 small engine
 * calls, so the engine spends most of each token dispatching rather than computing. Here each token
 * is a few plain loops the JIT vectorizes, with no per-call overhead. The weights are a snapshot: a
 * decoder made before more training (or before a LoRA adapter changes) keeps the old weights, so
 * the course's generator makes a fresh one for every call.
 *
 * <p>One forward pass serves every entry point: it takes rows (a token at a position of a sequence)
 * and runs them together. A single token is its one-row case, several tokens of one sequence or one
 * token of several sequences its many-row case, so they agree bit for bit by construction.
 */
public final class CachedDecoder {

    private static final float LAYER_NORM_EPSILON = 1e-5f; // DJL's LayerNorm default, which the model uses

    /** One linear layer y = x·Wᵀ + b, stored as Wᵀ (d_in rows of d_out) so the inner loop runs along contiguous outputs. */
    private record Dense(float[] transposed, float[] bias, int inputs, int outputs) {
        /**
         * The layer for the first {@code count} rows at once, y[j] = x[j]·Wᵀ + b. Each group of four
         * weight rows is read once for all the rows (from cache after the first); for one row the
         * loops are those of a plain matrix-vector product.
         */
        void apply(float[][] x, float[][] y, int count) {
            for (int j = 0; j < count; j++) {
                if (bias == null) Arrays.fill(y[j], 0, outputs, 0f);
                else System.arraycopy(bias, 0, y[j], 0, outputs);
            }
            // Four inputs per pass over y: a quarter of the loads and stores of y per multiply-add,
            // which doubles the speed of the vectorized inner loop (measured on the CPU reference config).
            int i = 0;
            for (; i + 3 < inputs; i += 4) {
                int r0 = i * outputs, r1 = r0 + outputs, r2 = r1 + outputs, r3 = r2 + outputs;
                for (int j = 0; j < count; j++) {
                    float[] xj = x[j], yj = y[j];
                    float x0 = xj[i], x1 = xj[i + 1], x2 = xj[i + 2], x3 = xj[i + 3];
                    for (int o = 0; o < outputs; o++) {
                        yj[o] += x0 * transposed[r0 + o]
                                + x1 * transposed[r1 + o]
                                + x2 * transposed[r2 + o]
                                + x3 * transposed[r3 + o];
                    }
                }
            }
            for (; i < inputs; i++) {
                int row = i * outputs;
                for (int j = 0; j < count; j++) {
                    float[] yj = y[j];
                    float xi = x[j][i];
                    for (int o = 0; o < outputs; o++) yj[o] += xi * transposed[row + o];
                }
            }
        }
    }

    private record Norm(float[] gamma, float[] beta) {
        void apply(float[] x, float[] y) {
            int n = gamma.length;
            float mean = 0;
            for (int i = 0; i < n; i++) mean += x[i];
            mean /= n;
            float variance = 0;
            for (int i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
            float inverse = (float) (1 / Math.sqrt(variance / n + LAYER_NORM_EPSILON));
            for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * inverse * gamma[i] + beta[i];
        }
    }

    private record Layer(Norm norm1, Dense qkv, Dense projection, Norm norm2, Dense up, Dense down) {}

    /**
     * The weights, read-only once built: every sequence decoded from one model shares them, and
     * counts its passes through them in {@code passes}.
     */
    private record Weights(
            int embed,
            int heads,
            int blockSize,
            int vocab,
            float[] tokens,
            float[] positions,
            Layer[] layers,
            Norm finalNorm,
            Dense head,
            FeedForward.Activation activation,
            AtomicLong passes) {}

    /**
     * A pass's intermediate values, one row per token in flight, and the rows' tokens and positions.
     * Each decoder keeps its own (a batched step uses its first sequence's), grown to the largest pass
     * it has run and reused after: decoding a token allocates nothing.
     */
    private static final class Work {
        final int rows;
        final int[] tokens, at;
        final float[][] h, normed, qkv, attended, projected, hidden, ffOut;
        final float[] scores; // one row's attention weights, reused row after row

        Work(int rows, Weights weights) {
            int embed = weights.embed();
            this.rows = rows;
            tokens = new int[rows];
            at = new int[rows];
            h = new float[rows][embed];
            normed = new float[rows][embed];
            qkv = new float[rows][3 * embed];
            attended = new float[rows][embed];
            projected = new float[rows][embed];
            hidden = new float[rows][weights.layers()[0].up().outputs()];
            ffOut = new float[rows][embed];
            scores = new float[weights.blockSize()];
        }
    }

    private final Weights weights;
    private final int embed;
    private final int heads;
    private final int blockSize;
    private final int vocab;
    private final float[] tokens; // (V, C)
    private final float[] positions; // (blockSize, C)
    private final Layer[] layers;
    private final Norm finalNorm;
    private final Dense head;
    private final float[][] keys; // per layer, (blockSize, C): this sequence's cache
    private final float[][] values;
    private int length;

    private Work work;
    private final CachedDecoder[] alone = {this}; // the owners of a one-token pass
    private final float[][] logits; // next(int)'s result, one row

    private static Weights weights(Gpt model, NDManager scratch) {
        GptConfig config = model.config();
        int embed = config.embedDim(), vocab = config.vocabSize();
        Layer[] layers = new Layer[config.layers()];
        for (int i = 0; i < layers.length; i++) {
            TransformerBlock block = model.blocks().get(i);
            MultiHeadAttention attention = block.attention();
            FeedForward feedForward = block.feedForward();
            layers[i] = new Layer(
                    norm(block.norm1()),
                    dense(attention.linear("qkv"), scratch),
                    dense(attention.linear("projection"), scratch),
                    norm(block.norm2()),
                    dense(feedForward.linear("up"), scratch),
                    dense(feedForward.linear("down"), scratch));
        }
        return new Weights(
                embed,
                config.heads(),
                config.blockSize(),
                vocab,
                model.tokenEmbeddings().toFloatArray(),
                model.positionEmbeddings().toFloatArray(),
                layers,
                norm(model.finalNorm()),
                new Dense(transpose(model.outputWeights().toFloatArray(), vocab, embed), null, embed, vocab),
                config.activation(),
                new AtomicLong());
    }

    private CachedDecoder(Weights weights) {
        this.weights = weights;
        embed = weights.embed();
        heads = weights.heads();
        blockSize = weights.blockSize();
        vocab = weights.vocab();
        tokens = weights.tokens();
        positions = weights.positions();
        layers = weights.layers();
        finalNorm = weights.finalNorm();
        head = weights.head();
        keys = new float[layers.length][blockSize * embed];
        values = new float[layers.length][blockSize * embed];
        work = new Work(1, weights);
        logits = new float[1][vocab];
    }

    /** This decoder's work rows, grown to hold at least {@code count}. */
    private Work work(int count) {
        if (work.rows < count) work = new Work(count, weights);
        return work;
    }

    /**
     * A decoder for {@code model}, or null when this path does not apply: a model off the CPU, or
     * blocks other than the GPT layout (pre-norm, causal), which only the engine's forward runs.
     */
    public static CachedDecoder of(Gpt model) {
        if (!Device.Type.CPU.equals(model.tokenEmbeddings().getDevice().getDeviceType())) return null;
        for (TransformerBlock block : model.blocks()) {
            TransformerBlock.Config c = block.config();
            if (!c.preNorm() || !c.causal()) return null;
        }
        try (NDManager scratch = model.tokenEmbeddings().getManager().newSubManager()) {
            return new CachedDecoder(weights(model, scratch));
        }
    }

    /**
     * A decoder for another sequence of the same model: it shares this one's weights (no copy) and
     * has its own, empty cache. What a server holds per request.
     */
    public CachedDecoder newSequence() {
        return new CachedDecoder(weights);
    }

    /**
     * A new sequence of the same model whose cache starts as a copy of this one's first {@code length}
     * tokens: what a server reuses when prompts share a prefix. A position's key and value depend only
     * on the tokens up to it, and each row is computed the same way however many rows a pass carries, so
     * decoding on from the copy gives bit-for-bit what reading the whole prefix again would.
     */
    public CachedDecoder fork(int length) {
        if (length < 0 || length > this.length)
            throw new IllegalArgumentException("can fork 0.." + this.length + " cached tokens, not " + length);
        CachedDecoder copy = new CachedDecoder(weights);
        for (int l = 0; l < layers.length; l++) {
            System.arraycopy(keys[l], 0, copy.keys[l], 0, length * embed);
            System.arraycopy(values[l], 0, copy.values[l], 0, length * embed);
        }
        copy.length = length;
        return copy;
    }

    /**
     * One new token for each of several sequences of the same model, in one pass: the logits after
     * each (fresh arrays). Every weight is read once for the whole group (dynamic batching), while
     * each sequence attends over its own cache, whatever its length. Each row is computed exactly as
     * {@link #next(int)} computes its one row, so the logits are bit-for-bit the same as decoding the
     * sequences one by one.
     */
    public static float[][] step(List<CachedDecoder> sequences, int[] tokens) {
        int count = sequences.size();
        if (tokens.length != count)
            throw new IllegalArgumentException(count + " sequences need " + count + " tokens, got " + tokens.length);
        if (count == 0) return new float[0][];
        CachedDecoder first = sequences.get(0);
        for (int j = 0; j < count; j++) {
            CachedDecoder d = sequences.get(j);
            if (d.weights != first.weights)
                throw new IllegalArgumentException("sequence " + j
                        + " decodes another model: batch only sequences made by newSequence() of one decoder");
            for (int k = 0; k < j; k++)
                if (sequences.get(k) == d)
                    throw new IllegalArgumentException("sequence " + j + " appears twice in the batch");
            if (tokens[j] < 0 || tokens[j] >= first.vocab)
                throw new IllegalArgumentException(
                        "token " + tokens[j] + " is outside the vocabulary 0.." + (first.vocab - 1));
            if (d.length >= first.blockSize)
                throw new IllegalStateException(
                        "sequence " + j + " holds the whole context of " + first.blockSize + " tokens");
        }
        CachedDecoder[] owners = sequences.toArray(new CachedDecoder[0]);
        Work work = first.work(count);
        for (int j = 0; j < count; j++) {
            work.tokens[j] = tokens[j];
            work.at[j] = owners[j].length;
        }
        float[][] out = new float[count][first.vocab];
        rows(owners, work, count, out);
        for (CachedDecoder d : owners) d.length++;
        return out;
    }

    /**
     * Passes through the network made so far by every sequence of this model: one per call of
     * {@code next} or {@link #step}, however many tokens or sequences it carries. What shows that a
     * batched step reads the weights once for all its sequences.
     */
    public long forwardPasses() {
        return weights.passes().get();
    }

    /** Tokens cached so far. */
    public int length() {
        return length;
    }

    /** Forgets the cached tokens. */
    public void clear() {
        length = 0;
    }

    /** Forgets every token after the first {@code length}: what a rejected speculative guess needs. */
    public void rewind(int length) {
        if (length < 0 || length > this.length)
            throw new IllegalArgumentException("can rewind to 0.." + this.length + " tokens, not " + length);
        this.length = length;
    }

    /** The vocabulary size: the length of every logits array. */
    public int vocabSize() {
        return vocab;
    }

    /** The context length: how many tokens the cache can hold. */
    public int blockSize() {
        return blockSize;
    }

    /**
     * Appends several tokens in one pass and returns the logits after each (fresh arrays): the same
     * numbers as calling {@link #next(int)} for each in turn, computed with every weight read once
     * for the whole group. This is how a target model checks a draft's guesses.
     */
    public float[][] next(int[] tokens) {
        int count = tokens.length;
        if (count == 0) return new float[0][];
        for (int token : tokens) {
            if (token < 0 || token >= vocab)
                throw new IllegalArgumentException("token " + token + " is outside the vocabulary 0.." + (vocab - 1));
        }
        if (length + count > blockSize)
            throw new IllegalStateException(
                    "the cache holds " + length + " of " + blockSize + " tokens: " + count + " more do not fit");
        CachedDecoder[] owners = new CachedDecoder[count];
        Arrays.fill(owners, this);
        Work work = work(count);
        for (int j = 0; j < count; j++) {
            work.tokens[j] = tokens[j];
            work.at[j] = length + j;
        }
        float[][] out = new float[count][vocab];
        rows(owners, work, count, out);
        length += count;
        return out;
    }

    /** Appends {@code token} at the next position and returns the logits for the token after it (a shared array, overwritten by the next call). */
    public float[] next(int token) {
        if (token < 0 || token >= vocab)
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary 0.." + (vocab - 1));
        if (length >= blockSize)
            throw new IllegalStateException(
                    "the cache holds the whole context of " + blockSize + " tokens: clear it first");
        work.tokens[0] = token; // every Work holds at least one row
        work.at[0] = length;
        rows(alone, work, 1, logits);
        length++;
        return logits[0];
    }

    /**
     * The forward pass of the first {@code count} rows of {@code work}, row j being token
     * {@code work.tokens[j]} at position {@code work.at[j]} of sequence {@code owners[j]} (all of one
     * model), its logits written to {@code out[j]}: the rows' keys and values go into their owners'
     * caches, then each row attends over its owner's positions up to its own. The matrix products
     * take all rows together, reading each weight once. Lengths are the callers' to advance.
     */
    private static void rows(CachedDecoder[] owners, Work work, int count, float[][] out) {
        CachedDecoder m = owners[0];
        m.weights.passes().incrementAndGet();
        int embed = m.embed;
        float[][] h = work.h,
                normed = work.normed,
                qkv = work.qkv,
                attended = work.attended,
                projected = work.projected,
                hidden = work.hidden,
                ffOut = work.ffOut;
        int[] at = work.at;
        for (int j = 0; j < count; j++) {
            float[] hj = h[j];
            int token = work.tokens[j] * embed, position = at[j] * embed;
            for (int c = 0; c < embed; c++) hj[c] = m.tokens[token + c] + m.positions[position + c];
        }
        for (int l = 0; l < m.layers.length; l++) {
            Layer layer = m.layers[l];
            for (int j = 0; j < count; j++) layer.norm1().apply(h[j], normed[j]);
            layer.qkv().apply(normed, qkv, count);
            // Every row's key and value cached before any row attends: a block's later tokens attend to its earlier
            // ones.
            for (int j = 0; j < count; j++) {
                System.arraycopy(qkv[j], embed, owners[j].keys[l], at[j] * embed, embed);
                System.arraycopy(qkv[j], 2 * embed, owners[j].values[l], at[j] * embed, embed);
            }
            for (int j = 0; j < count; j++) owners[j].attend(l, at[j], qkv[j], work.scores, attended[j]);
            layer.projection().apply(attended, projected, count);
            for (int j = 0; j < count; j++) {
                float[] hj = h[j], pj = projected[j];
                for (int c = 0; c < embed; c++) hj[c] += pj[c];
                layer.norm2().apply(hj, normed[j]);
            }
            layer.up().apply(normed, hidden, count);
            for (int j = 0; j < count; j++) {
                float[] hid = hidden[j];
                for (int i = 0; i < hid.length; i++)
                    hid[i] = m.weights.activation().apply(hid[i]);
            }
            layer.down().apply(hidden, ffOut, count);
            for (int j = 0; j < count; j++) {
                float[] hj = h[j], fj = ffOut[j];
                for (int c = 0; c < embed; c++) hj[c] += fj[c];
            }
        }
        for (int j = 0; j < count; j++) m.finalNorm.apply(h[j], normed[j]);
        m.head.apply(normed, out, count);
    }

    /**
     * Each head's query (the first C values of {@code qkv}) against layer {@code l}'s cached keys of
     * positions 0..t, softmax, weighted sum of values into {@code out}.
     */
    private void attend(int l, int t, float[] qkv, float[] scores, float[] out) {
        int d = embed / heads;
        float scale = (float) (1 / Math.sqrt(d));
        float[] keys = this.keys[l], values = this.values[l];
        for (int hd = 0; hd < heads; hd++) {
            int offset = hd * d;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s <= t; s++) {
                float dot = 0;
                int k = s * embed + offset;
                for (int i = 0; i < d; i++) dot += qkv[offset + i] * keys[k + i];
                scores[s] = dot * scale;
                max = Math.max(max, scores[s]);
            }
            float sum = 0;
            for (int s = 0; s <= t; s++) {
                scores[s] = (float) Math.exp(scores[s] - max);
                sum += scores[s];
            }
            Arrays.fill(out, offset, offset + d, 0f);
            for (int s = 0; s <= t; s++) {
                float w = scores[s] / sum;
                int v = s * embed + offset;
                for (int i = 0; i < d; i++) out[offset + i] += w * values[v + i];
            }
        }
    }

    /** A linear layer's effective weight and bias: a LoRA layer's W + (α/r)·B·A unless already merged. */
    private static Dense dense(Block layer, NDManager scratch) {
        NDArray weight, bias;
        if (layer instanceof AdaptedLinear adapted) {
            weight = adapted.effectiveWeight(scratch);
            bias = adapted.bias();
        } else if (layer instanceof Linear linear) {
            weight = linear.getParameters().get("weight").getArray();
            bias = linear.getParameters().get("bias").getArray();
        } else {
            throw new IllegalArgumentException(
                    "cannot decode through a " + layer.getClass().getSimpleName() + " layer");
        }
        int outputs = Math.toIntExact(weight.getShape().get(0)),
                inputs = Math.toIntExact(weight.getShape().get(1));
        return new Dense(transpose(weight.toFloatArray(), outputs, inputs), bias.toFloatArray(), inputs, outputs);
    }

    private static Norm norm(LayerNorm norm) {
        return new Norm(
                norm.getParameters().get("gamma").getArray().toFloatArray(),
                norm.getParameters().get("beta").getArray().toFloatArray());
    }

    /** (rows, cols) row-major to (cols, rows) row-major. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
        return out;
    }
}

package fasttrack.llama;

/**
 * Attention computed tile by tile with an online softmax: the forward algorithm of FlashAttention
 * (Dao et al. 2022), in plain Java for one head. Plain attention builds the T × T score matrix,
 * softmaxes each row and multiplies by V. The tiled form never holds more than one tile of scores:
 * queries are taken in blocks of b rows, keys and values in blocks of b columns, and each query row
 * keeps a running maximum m, a running sum ℓ and an unnormalised output o:
 * <pre>
 *   for each key block j:   s = q·kⱼᵀ/√d (a b × b tile)
 *     m' = max(m, max s)                     the new running maximum
 *     ℓ  = ℓ·e^(m − m') + Σ e^(s − m')        old terms rescaled to the new maximum
 *     o  = o·e^(m − m') + Σ e^(s − m')·vⱼ
 *     m  = m'
 *   output = o / ℓ
 * </pre>
 * which equals softmax(q kᵀ/√d) v exactly in real arithmetic (each term ends up multiplied by
 * e^(s − m_final)/ℓ_final) and to float rounding in practice. With a causal mask, key blocks
 * entirely after a query block are skipped, and entries after the query inside a tile count as −∞.
 *
 * <p>Each call reports the largest intermediate it held (in floats, beside the inputs and the
 * output), so the memory claim is a measurement: b² + b·d + 2b here against T² for plain attention.
 */
public final class TiledAttention {

    private TiledAttention() {}

    /** The output (T, d) and the largest intermediate array held while computing it, in floats. */
    public record Result(float[][] output, long largestIntermediateFloats) {}

    /** Plain attention for one head: q (T, d), k and v (S, d); builds the full T × S score matrix. */
    public static Result plain(float[][] q, float[][] k, float[][] v, boolean causal) {
        int t = q.length, s = k.length, d = q[0].length, dv = v[0].length;
        requireShapes(q, k, v, causal);
        double scale = 1 / Math.sqrt(d);
        float[][] scores = new float[t][s]; // the T × S intermediate
        for (int i = 0; i < t; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < s; j++) {
                scores[i][j] = causal && j > i + (s - t) ? Float.NEGATIVE_INFINITY : (float) (dot(q[i], k[j]) * scale);
                max = Math.max(max, scores[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < s; j++) sum += scores[i][j] = (float) Math.exp(scores[i][j] - max);
            for (int j = 0; j < s; j++) scores[i][j] /= sum;
        }
        float[][] out = new float[t][dv];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < s; j++) for (int c = 0; c < dv; c++) out[i][c] += scores[i][j] * v[j][c];
        return new Result(out, (long) t * s);
    }

    /**
     * Tiled attention with an online softmax, blocks of {@code block} queries and keys: the same
     * output as {@link #plain} to float rounding. Holds one score tile (b × b), the block's
     * unnormalised outputs (b × d) and its running maxima and sums (2b).
     */
    public static Result tiled(float[][] q, float[][] k, float[][] v, boolean causal, int block) {
        requireShapes(q, k, v, causal);
        if (block < 1) throw new IllegalArgumentException("the block size must be >= 1, got " + block);
        int t = q.length, s = k.length, d = q[0].length, dv = v[0].length, past = s - t;
        double scale = 1 / Math.sqrt(d);
        float[][] out = new float[t][dv];
        float[][] tile = new float[block][block];
        float[][] o = new float[block][dv];
        float[] m = new float[block], l = new float[block];
        for (int i0 = 0; i0 < t; i0 += block) {
            int rows = Math.min(block, t - i0);
            for (int r = 0; r < rows; r++) {
                m[r] = Float.NEGATIVE_INFINITY;
                l[r] = 0;
                java.util.Arrays.fill(o[r], 0);
            }
            int lastKey =
                    causal ? Math.min(s, i0 + rows + past) : s; // keys after the block's last query are never seen
            for (int j0 = 0; j0 < lastKey; j0 += block) {
                int cols = Math.min(block, lastKey - j0);
                for (int r = 0; r < rows; r++) {
                    float rowMax = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) {
                        boolean masked = causal && j0 + c > i0 + r + past;
                        tile[r][c] = masked ? Float.NEGATIVE_INFINITY : (float) (dot(q[i0 + r], k[j0 + c]) * scale);
                        rowMax = Math.max(rowMax, tile[r][c]);
                    }
                    float newMax = Math.max(m[r], rowMax);
                    if (newMax == Float.NEGATIVE_INFINITY) continue; // every key so far masked
                    float rescale = (float) Math.exp(m[r] - newMax); // e^(m − m'); 0 when m was −∞
                    l[r] *= rescale;
                    for (int c = 0; c < dv; c++) o[r][c] *= rescale;
                    for (int c = 0; c < cols; c++) {
                        float p = (float) Math.exp(tile[r][c] - newMax);
                        l[r] += p;
                        for (int e = 0; e < dv; e++) o[r][e] += p * v[j0 + c][e];
                    }
                    m[r] = newMax;
                }
            }
            for (int r = 0; r < rows; r++) for (int c = 0; c < dv; c++) out[i0 + r][c] = o[r][c] / l[r];
        }
        return new Result(out, (long) block * block + (long) block * dv + 2L * block);
    }

    /**
     * Bytes moved to and from a GPU's main memory (HBM) and floating-point operations for one head's
     * forward attention over T tokens of d dimensions, {@code bytes} per value, counted as in Dao et
     * al. (2022): plain attention reads Q and K, writes the T × T scores, reads them and writes the
     * probabilities, reads them with V and writes O (4Td + 4T² values); the tiled kernel reads Q once,
     * K and V once per block of {@code block} query rows, writes O once (2Td + 2Td·⌈T/b⌉ values), every
     * re-read counted as if no cache helped. Both do the same 4T²d multiply-adds' FLOPs (QKᵀ and PV;
     * the softmax's few per score not counted).
     */
    public record Traffic(long tokens, int headDim, long plainBytes, long tiledBytes, double flops) {
        /** FLOPs per byte moved: above a GPU's ratio of compute to bandwidth the kernel is compute-bound. */
        public double plainIntensity() {
            return flops / plainBytes;
        }

        public double tiledIntensity() {
            return flops / tiledBytes;
        }
    }

    public static Traffic traffic(long tokens, int headDim, int block, int bytes) {
        if (tokens < 1 || headDim < 1 || block < 1 || bytes < 1)
            throw new IllegalArgumentException("tokens, headDim, block and bytes must be >= 1");
        long td = tokens * headDim, blocks = (tokens + block - 1) / block;
        long plain = (4 * td + 4 * tokens * tokens) * bytes;
        long tiled = (2 * td + 2 * td * blocks) * bytes;
        return new Traffic(tokens, headDim, plain, tiled, 4.0 * tokens * tokens * headDim);
    }

    private static void requireShapes(float[][] q, float[][] k, float[][] v, boolean causal) {
        if (q.length == 0 || k.length == 0 || k.length != v.length) {
            throw new IllegalArgumentException("need at least one query and one key, and one value per key: q "
                    + q.length + ", k " + k.length + ", v " + v.length);
        }
        if (q[0].length != k[0].length)
            throw new IllegalArgumentException(
                    "queries and keys must have the same size d: " + q[0].length + " vs " + k[0].length);
        if (causal && q.length > k.length)
            throw new IllegalArgumentException(
                    "a causal mask needs at least as many keys as queries: " + q.length + " vs " + k.length);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}

package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al. 2021, "RoFormer"): instead of adding a position vector to
 * the token, rotate each query and key. A head's d dimensions form d/2 pairs; pair i of the vector
 * at position p turns by the angle p·θᵢ, with frequencies
 * <pre>
 *   θᵢ = base^(−2i/d),  i = 0 … d/2 − 1          (base 10,000 in Llama 1 and 2, 500,000 in Llama 3)
 *   (x, y) at position p  →  (x·cos pθᵢ − y·sin pθᵢ,  x·sin pθᵢ + y·cos pθᵢ)
 * </pre>
 * A rotation by pθ followed by the dot product with a key rotated by sθ gives a score that depends
 * on p − s only: ⟨R(pθ)q, R(sθ)k⟩ = ⟨q, R((s − p)θ)k⟩. Attention then sees relative offsets,
 * while nothing is added to the residual stream and no table limits the length.
 *
 * <p>Which dimensions make a pair is a convention, and checkpoints depend on it ({@link Layout}):
 * Meta's original Llama code rotates neighbours (0, 1), (2, 3), …; Hugging Face's
 * {@code LlamaForCausalLM} rotates dimension i with i + d/2 ("rotate half"), and so does Jlama
 * when it reads such a folder. The two compute the same model once the
 * query and key weights' rows are reordered ({@link #interleavedToHalf}), which is what Hugging
 * Face's conversion script does.
 */
public final class Rope {

    /** Which dimensions of a head form the rotated pairs. */
    public enum Layout {
        /** Pairs (i, i + d/2): Hugging Face's {@code rotate_half}, the layout of every {@code LlamaForCausalLM} folder. */
        HALF,
        /** Pairs (2i, 2i + 1): Meta's original Llama code (complex numbers), RoFormer's paper. */
        INTERLEAVED
    }

    private final int headDim;
    private final double base;
    private final Layout layout;

    /**
     * @param headDim d, the size of one head's query and key vectors: even, since dimensions rotate in pairs
     * @param base    the base of the frequencies ("rope_theta"), above 1
     * @param layout  which dimensions pair up
     */
    public Rope(int headDim, double base, Layout layout) {
        if (headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException(
                    "RoPE rotates a head's dimensions in pairs, so the head size must be even and at least 2, got "
                            + headDim + " (head size = embedDim / heads)");
        }
        if (!(base > 1) || Double.isInfinite(base))
            throw new IllegalArgumentException("the RoPE base (rope_theta) must be a number above 1, got " + base);
        if (layout == null)
            throw new IllegalArgumentException(
                    "say which layout: Layout.HALF (Hugging Face) or Layout.INTERLEAVED (Meta's original)");
        this.headDim = headDim;
        this.base = base;
        this.layout = layout;
    }

    public int headDim() {
        return headDim;
    }

    public double base() {
        return base;
    }

    public Layout layout() {
        return layout;
    }

    /** θᵢ = base^(−2i/d), radians per position of pair i: pair 0 turns by 1 radian a step, the last slowest. */
    public double frequency(int pair) {
        if (pair < 0 || pair >= headDim / 2)
            throw new IllegalArgumentException("pair " + pair + " outside 0.." + (headDim / 2 - 1));
        return Math.pow(base, -2.0 * pair / headDim);
    }

    /** The two dimensions of pair i in this layout: (i, i + d/2) or (2i, 2i + 1). */
    public int[] pairDimensions(int pair) {
        frequency(pair); // validates
        return layout == Layout.HALF ? new int[] {pair, pair + headDim / 2} : new int[] {2 * pair, 2 * pair + 1};
    }

    /** One head's vector v (d) at {@code position}, rotated: plain Java, double-precision angles. */
    public float[] rotate(float[] v, int position) {
        if (v.length != headDim)
            throw new IllegalArgumentException("a head vector has " + headDim + " dimensions, got " + v.length);
        float[] out = v.clone();
        for (int i = 0; i < headDim / 2; i++) {
            int[] d = pairDimensions(i);
            double a = position * frequency(i), c = Math.cos(a), s = Math.sin(a);
            out[d[0]] = (float) (v[d[0]] * c - v[d[1]] * s);
            out[d[1]] = (float) (v[d[0]] * s + v[d[1]] * c);
        }
        return out;
    }

    /**
     * Rotates x (..., T, d), whose T rows stand at positions offset … offset + T − 1:
     * {@code x·cos + rotated(x)·sin}, where rotated(x) puts (−y, x) in each pair's (x, y). The cos
     * and sin tables are computed in double precision and become arrays in x's manager (no scalars
     * on the autograd path).
     */
    public NDArray apply(NDArray x, int offset) {
        Shape shape = x.getShape();
        int dims = shape.dimension();
        if (dims < 2 || shape.get(dims - 1) != headDim)
            throw new IllegalArgumentException("RoPE expects (..., T, " + headDim + "), got " + shape);
        if (offset < 0) throw new IllegalArgumentException("positions start at 0, got offset " + offset);
        int t = (int) shape.get(dims - 2), half = headDim / 2;
        float[] cos = new float[t * headDim], sin = new float[t * headDim];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double a = (double) (offset + p) * frequency(i);
                int[] d = pairDimensions(i);
                cos[p * headDim + d[0]] = cos[p * headDim + d[1]] = (float) Math.cos(a);
                sin[p * headDim + d[0]] = sin[p * headDim + d[1]] = (float) Math.sin(a);
            }
        }
        NDManager m = x.getManager();
        NDArray c = m.create(cos, new Shape(t, headDim)).toType(x.getDataType(), false);
        NDArray s = m.create(sin, new Shape(t, headDim)).toType(x.getDataType(), false);
        return x.mul(c).add(rotatePairs(x).mul(s));
    }

    /** (x, y) → (−y, x) in every pair, the 90° turn that sin multiplies. */
    private NDArray rotatePairs(NDArray x) {
        int half = headDim / 2;
        if (layout == Layout.HALF) { // [x₁ | x₂] → [−x₂ | x₁]
            NDArray first = x.get(new NDIndex("..., :{}", half)), second = x.get(new NDIndex("..., {}:", half));
            return NDArrays.concat(new NDList(second.neg(), first), -1);
        }
        Shape shape = x.getShape(); // (..., d) → (..., d/2, 2): neighbours side by side
        long[] pairs = new long[shape.dimension() + 1];
        for (int i = 0; i < shape.dimension() - 1; i++) pairs[i] = shape.get(i);
        pairs[pairs.length - 2] = half;
        pairs[pairs.length - 1] = 2;
        NDArray p = x.reshape(new Shape(pairs));
        NDArray even = p.get(new NDIndex("..., 0")), odd = p.get(new NDIndex("..., 1"));
        return NDArrays.stack(new NDList(odd.neg(), even), -1).reshape(shape);
    }

    /**
     * The row order that turns a projection written for the interleaved layout into one for the half
     * layout: row j of each head in the half layout is row {@code perm[j]} in the interleaved one
     * (perm = 0, 2, 4, …, d − 2, 1, 3, …, d − 1). Applied to W_q and W_k, a model rotating neighbours
     * becomes one rotating halves that computes the same scores: what Hugging Face's
     * {@code convert_llama_weights_to_hf.py} does to Meta's checkpoints.
     */
    public static int[] interleavedToHalf(int headDim) {
        if (headDim < 2 || headDim % 2 != 0)
            throw new IllegalArgumentException("the head size must be even and at least 2, got " + headDim);
        int[] perm = new int[headDim];
        for (int j = 0; j < headDim / 2; j++) {
            perm[j] = 2 * j;
            perm[j + headDim / 2] = 2 * j + 1;
        }
        return perm;
    }

    /**
     * The rows of a projection weight (heads·d, in), row-major, reordered within every head by
     * {@code perm}: out row h·d + j = in row h·d + perm[j].
     */
    public static float[] permuteRows(float[] weight, int rows, int columns, int[] perm) {
        int d = perm.length;
        if ((long) rows * columns != weight.length || rows % d != 0) {
            throw new IllegalArgumentException("a (" + rows + ", " + columns + ") weight of " + weight.length
                    + " values cannot be split into heads of " + d + " rows");
        }
        float[] out = new float[weight.length];
        for (int h = 0; h < rows / d; h++) {
            for (int j = 0; j < d; j++)
                System.arraycopy(weight, (h * d + perm[j]) * columns, out, (h * d + j) * columns, columns);
        }
        return out;
    }

    /** The inverse permutation: {@code inverse(p)[p[j]] = j}. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int j = 0; j < perm.length; j++) inv[perm[j]] = j;
        return inv;
    }

    @Override
    public String toString() {
        return "Rope(d=" + headDim + ", base=" + base + ", " + layout + ")";
    }
}

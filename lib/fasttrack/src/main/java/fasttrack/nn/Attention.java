package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention, the operation every attention block is built around:
 * {@code softmax(q kᵀ / √d + mask) v}. Each query scores every key by a dot product; the scores
 * become weights that sum to 1 over the keys; the output is the weighted mean of the values.
 */
public final class Attention {

    private Attention() {}

    /**
     * @param q      queries (..., T, d)
     * @param k      keys (..., S, d)
     * @param v      values (..., S, dv)
     * @param causal if true, position t attends only to positions ≤ t (needs T == S)
     * @return {@code (output (..., T, dv), weights (..., T, S))}
     */
    public static NDList scaledDotProduct(NDArray q, NDArray k, NDArray v, boolean causal) {
        Shape qs = q.getShape(), ks = k.getShape(), vs = v.getShape();
        int dims = qs.dimension();
        if (dims < 2 || ks.dimension() != dims || vs.dimension() != dims) {
            throw new IllegalArgumentException(
                    "q, k, v must have the same rank >= 2, got " + qs + ", " + ks + ", " + vs);
        }
        if (qs.get(dims - 1) != ks.get(dims - 1)) {
            throw new IllegalArgumentException("queries and keys must have the same size d: q " + qs + ", k " + ks);
        }
        if (ks.get(dims - 2) != vs.get(dims - 2)) {
            throw new IllegalArgumentException("every key needs a value: k " + ks + ", v " + vs);
        }
        // The scale is a tensor the engine owns: DJL's div(Number) wraps the number in a temporary
        // array whose memory is freed right after the forward op, yet autograd reads it again in
        // backward (a use-after-free that surfaced as rare, unrepeatable NaN gradients).
        NDArray scale = q.getManager().full(new Shape(), (float) (1 / Math.sqrt(qs.get(dims - 1))), q.getDataType());
        // (q·scale)·kᵀ = (q·kᵀ)·scale, but q has T·d numbers and the scores T·S: scaling q is less work
        // forward and backward.
        NDArray scores = q.mul(scale).matMul(k.swapAxes(-1, -2));
        if (causal) {
            if (qs.get(dims - 2) > ks.get(dims - 2)) {
                throw new IllegalArgumentException(
                        "a causal mask needs at least as many keys as queries: q " + qs + ", k " + ks);
            }
            // One query that comes last (a generated token against the cache) may see every key: no mask.
            if (qs.get(dims - 2) > 1) {
                scores = scores.add(causalMask(
                        q.getManager(), (int) qs.get(dims - 2), (int) ks.get(dims - 2), scores.getDataType()));
            }
        }
        NDArray weights = scores.softmax(-1);
        return new NDList(weights.matMul(v), weights);
    }

    /**
     * A (T, T) mask: 0 where a query may look (its own position and earlier), −∞ above the
     * diagonal, so softmax gives those keys exactly zero weight.
     */
    public static NDArray causalMask(NDManager manager, int t, DataType type) {
        return causalMask(manager, t, t, type);
    }

    /**
     * A (T, S) mask for T queries that are the last T of S positions (S − T earlier positions are
     * cached keys, as in generation with a KV cache): query i may see keys 0 .. S − T + i.
     */
    public static NDArray causalMask(NDManager manager, int t, int s, DataType type) {
        float[] mask = new float[t * s];
        int past = s - t;
        for (int i = 0; i < t; i++) for (int j = past + i + 1; j < s; j++) mask[i * s + j] = Float.NEGATIVE_INFINITY;
        return manager.create(mask, new Shape(t, s)).toType(type, false);
    }
}

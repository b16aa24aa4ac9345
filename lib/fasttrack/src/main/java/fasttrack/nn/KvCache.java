package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values already computed during generation, one pair of (B, heads, T, d) arrays per
 * layer. Generating a token then costs one token's projections instead of recomputing the whole
 * context. The cache owns its arrays: close it when generation ends.
 */
public final class KvCache implements AutoCloseable {

    /** One layer's cached keys and values. */
    public final class Layer {
        private NDArray keys;
        private NDArray values;

        /**
         * Appends new keys and values (B, heads, t, d) along time; returns everything cached. The
         * heads are whatever the attention caches: all of them for multi-head attention, only the
         * key/value heads for grouped-query attention ({@code fasttrack.llama}).
         */
        public NDList append(NDArray newKeys, NDArray newValues) {
            NDArray k = keys == null ? newKeys.duplicate() : NDArrays.concat(new NDList(keys, newKeys), 2);
            NDArray v = values == null ? newValues.duplicate() : NDArrays.concat(new NDList(values, newValues), 2);
            k.attach(manager);
            v.attach(manager);
            if (keys != null) {
                keys.close();
                values.close();
            } // replaced: free the shorter copies
            keys = k;
            values = v;
            return new NDList(k, v);
        }

        /** Positions cached in this layer. */
        public long length() {
            return keys == null ? 0 : keys.getShape().get(2);
        }
    }

    private final NDManager manager;
    private final List<Layer> layers = new ArrayList<>();

    public KvCache(NDManager parent, int layers) {
        if (layers < 1) throw new IllegalArgumentException("a cache needs at least one layer, got " + layers);
        this.manager = parent.newSubManager();
        for (int i = 0; i < layers; i++) this.layers.add(new Layer());
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    /** Bytes held: every layer's keys and values. */
    public long bytes() {
        long bytes = 0;
        for (Layer layer : layers) {
            if (layer.keys != null)
                bytes += layer.keys.size() * layer.keys.getDataType().getNumOfBytes()
                        + layer.values.size() * layer.values.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    public int layers() {
        return layers.size();
    }

    /** How many positions are cached. */
    public int length() {
        return (int) layers.get(0).length();
    }

    /** Empties the cache (when the context window slides, cached positions are no longer valid). */
    public void clear() {
        for (Layer layer : layers) {
            if (layer.keys != null) {
                layer.keys.close();
                layer.values.close();
            }
            layer.keys = null;
            layer.values = null;
        }
    }

    @Override
    public void close() {
        clear();
        manager.close();
    }
}

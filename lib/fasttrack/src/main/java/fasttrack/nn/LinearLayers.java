package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * A block whose linear layers can be looked up and swapped by name: how LoRA wraps a trained
 * layer in place. The replacement keeps the child's position and name, so the other parameters keep
 * their names.
 */
public interface LinearLayers {

    /** The names of the swappable layers, e.g. "qkv" and "projection". */
    List<String> linearNames();

    /** The layer called {@code name}: a {@code Linear}, or whatever replaced it. */
    Block linear(String name);

    /** The weight matrix (d_out, d_in) of a plain linear layer, e.g. {@code weight(block.attention().linear("qkv"))}. */
    static NDArray weight(Block layer) {
        if (!(layer instanceof Linear)) {
            throw new IllegalArgumentException("not a plain Linear layer but " + layer.getClass().getSimpleName()
                    + ": a LoRA-wrapped layer gives its frozen weight with LoraLinear.weight()");
        }
        return layer.getParameters().get("weight").getArray();
    }

    /**
     * Runs a linear layer on x (..., d_in), giving (..., d_out). The leading axes are flattened first:
     * on a 2-D input libtorch's linear is one fused matrix product with the bias (addmm); on a 3-D one
     * it is a batched product plus a separate bias pass, about twice the time per call for a single
     * token (measured with lib/bin/benchmark's generation rows).
     */
    static NDArray apply(Block layer, ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        if (shape.dimension() == 2) return layer.forward(ps, new NDList(x), training).singletonOrThrow();
        long inputs = shape.get(shape.dimension() - 1);
        NDArray y = layer.forward(ps, new NDList(x.reshape(-1, inputs)), training).singletonOrThrow();
        return y.reshape(shape.slice(0, shape.dimension() - 1).add(y.getShape().get(1)));
    }

    /** Puts {@code replacement} where the layer called {@code name} was. */
    void replaceLinear(String name, Block replacement);

    /** Swaps the child registered as {@code name} in {@code children} (DJL keys them "01name", "02other", …) for {@code replacement}. */
    static void replaceChild(BlockList children, String name, Block replacement) {
        for (int i = 0; i < children.size(); i++) {
            String key = children.keyAt(i);
            if (key.replaceFirst("^\\d+", "").equals(name)) {
                children.remove(i);
                children.add(i, key, replacement);
                return;
            }
        }
        throw new IllegalArgumentException("no child block called '" + name + "'");
    }

    static IllegalArgumentException unknown(String name, List<String> names) {
        return new IllegalArgumentException("no linear layer called '" + name + "'; this block has " + names);
    }
}

package fasttrack.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.core.Linear;
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
            throw new IllegalArgumentException(
                    "not a plain Linear layer but " + layer.getClass().getSimpleName()
                            + ": a LoRA-wrapped layer gives its frozen weight with LoraLinear.weight()");
        }
        return layer.getParameters().get("weight").getArray();
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

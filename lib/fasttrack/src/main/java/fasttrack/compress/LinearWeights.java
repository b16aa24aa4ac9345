package fasttrack.compress;

import ai.djl.ndarray.NDArray;
import fasttrack.nn.Gpt;
import fasttrack.nn.LinearLayers;
import fasttrack.nn.TransformerBlock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The weight matrices a GPT multiplies by: every block's qkv, projection, up and down, and the output head. */
final class LinearWeights {

    private LinearWeights() {}

    /** By name ("block0.qkv", …, "head"), in forward order; the arrays are the model's own. */
    static Map<String, NDArray> of(Gpt model) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (int i = 0; i < model.blocks().size(); i++) {
            TransformerBlock block = model.blocks().get(i);
            for (String name : block.attention().linearNames())
                weights.put(
                        "block" + i + "." + name,
                        LinearLayers.weight(block.attention().linear(name)));
            for (String name : block.feedForward().linearNames())
                weights.put(
                        "block" + i + "." + name,
                        LinearLayers.weight(block.feedForward().linear(name)));
        }
        if (!model.config().tieWeights())
            weights.put("head", model.outputWeights()); // a tied head is the embedding table: left in float
        return weights;
    }
}

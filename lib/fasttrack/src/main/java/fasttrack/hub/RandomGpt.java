package fasttrack.hub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.tensors.Tensors;
import java.util.Random;

/**
 * A GPT with seeded Gaussian weights, for checking a checkpoint's mapping against another engine: every
 * weight, bias and norm shift is non-zero and the layer-norm scales are 1 ± 0.2, so a wrong transpose, a
 * swapped bias or a missing layer changes the output, and at a large enough {@code scale} the next-token
 * distributions are far from uniform.
 */
public final class RandomGpt {

    private RandomGpt() {}

    /** A model of {@code config} whose parameters are drawn from {@code Random(seed)}, with standard deviation {@code scale}. */
    public static Gpt of(GptConfig config, NDManager nd, long seed, float scale) {
        Gpt model = new Gpt(config).initialize(nd);
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            float[] values = new float[Math.toIntExact(w.size())];
            boolean gamma = p.getKey().endsWith("gamma");
            for (int i = 0; i < values.length; i++)
                values[i] = (float) ((gamma ? 1 : 0) + random.nextGaussian() * (gamma ? 0.2 : scale));
            Tensors.overwrite(w, values);
        }
        return model;
    }
}

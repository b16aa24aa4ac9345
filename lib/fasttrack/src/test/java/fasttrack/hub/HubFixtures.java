package fasttrack.hub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;

/** Small models whose every weight matters: the comparisons below would pass on near-uniform outputs otherwise. */
final class HubFixtures {

    private HubFixtures() {}

    /** Logits (T, V) of one sequence, as floats. */
    static float[][] logits(Gpt model, NDManager nd, int[] ids) {
        try (NDManager scope = nd.newSubManager()) {
            NDArray x = scope.create(ids, new Shape(1, ids.length));
            NDArray logits = model.logits(new ParameterStore(scope, false), x, false);
            int v = model.config().vocabSize();
            float[] flat = logits.toFloatArray();
            float[][] out = new float[ids.length][v];
            for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * v, out[t], 0, v);
            return out;
        }
    }

    /** Softmax of each row, in double precision. */
    static double[][] softmax(float[][] logits) {
        double[][] out = new double[logits.length][];
        for (int t = 0; t < logits.length; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits[t]) max = Math.max(max, l);
            out[t] = new double[logits[t].length];
            for (int i = 0; i < out[t].length; i++) sum += out[t][i] = Math.exp(logits[t][i] - max);
            for (int i = 0; i < out[t].length; i++) out[t][i] /= sum;
        }
        return out;
    }
}

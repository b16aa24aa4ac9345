package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.tensors.Tensors;
import java.util.Random;

/** Models whose every weight matters: random at a visible scale, norm scales near 1. */
final class LlamaFixtures {

    private LlamaFixtures() {}

    static Llama model(LlamaConfig config, NDManager nd, long seed, float scale) {
        Llama model = new Llama(config).initialize(nd);
        randomize(model, seed, scale);
        return model;
    }

    static void randomize(Llama model, long seed, float scale) {
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            boolean norm = w.getShape().dimension() == 1;
            float[] values = new float[Math.toIntExact(w.size())];
            for (int i = 0; i < values.length; i++)
                values[i] = (float) ((norm ? 1 : 0) + random.nextGaussian() * (norm ? 0.2 : scale));
            Tensors.overwrite(w, values);
        }
    }

    static float[] randomVector(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}

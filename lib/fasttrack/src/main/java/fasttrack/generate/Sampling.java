package fasttrack.generate;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * How the next token is picked from the model's logits.
 *
 * @param temperature divide logits by it before softmax: below 1 sharpens, above 1 flattens; 0 means greedy
 * @param topK        keep only the k most likely tokens (0: all)
 * @param topP        keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param seed        seeds the draws, so a run can be repeated
 */
public record Sampling(double temperature, int topK, double topP, long seed) {

    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature))
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0 (0 keeps all), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }

    /** Always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 0);
    }

    public static Sampling temperature(double temperature, long seed) {
        return new Sampling(temperature, 0, 1, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * The distribution this policy samples from, given logits: temperature, then top-k, then top-p,
     * renormalised. Greedy puts all mass on the argmax.
     */
    public double[] distribution(float[] logits) {
        int v = logits.length;
        double[] p = new double[v];
        if (isGreedy()) {
            p[argmax(logits)] = 1;
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l / temperature);
        double sum = 0;
        for (int i = 0; i < v; i++) sum += p[i] = Math.exp(logits[i] / temperature - max);
        for (int i = 0; i < v; i++) p[i] /= sum;
        Integer[] order = IntStream.range(0, v)
                .boxed()
                .sorted((a, b) -> Double.compare(p[b], p[a]))
                .toArray(Integer[]::new);
        boolean[] keep = new boolean[v];
        double cumulative = 0;
        for (int rank = 0; rank < v; rank++) {
            int i = order[rank];
            if (topK > 0 && rank >= topK) break;
            keep[i] = true;
            cumulative += p[i];
            if (cumulative >= topP) break; // the smallest prefix that reaches p (the token crossing p is kept)
        }
        double kept = 0;
        for (int i = 0; i < v; i++)
            if (keep[i]) kept += p[i];
            else p[i] = 0;
        for (int i = 0; i < v; i++) p[i] /= kept;
        return p;
    }

    /** Draws a token id from {@link #distribution}. */
    public int sample(float[] logits, Random random) {
        if (isGreedy()) return argmax(logits);
        double[] p = distribution(logits);
        double u = random.nextDouble(), cumulative = 0;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) continue;
            cumulative += p[i];
            last = i;
            if (u < cumulative) return i;
        }
        return last; // rounding left u just above the total
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    @Override
    public String toString() {
        return isGreedy()
                ? "greedy"
                : "temperature " + temperature + (topK > 0 ? ", top-k " + topK : "")
                        + (topP < 1 ? ", top-p " + topP : "");
    }
}

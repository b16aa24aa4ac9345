package fasttrack.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scores that say what an attention head does, after Olsson et al., "In-context Learning and
 * Induction Heads" (2022) and Elhage et al., "A Mathematical Framework for Transformer Circuits"
 * (2021). Patterns are attention weights with queries as rows and keys as columns.
 */
public final class HeadScores {

    private HeadScores() {}

    /**
     * Prefix matching: at each position i whose token occurred before, the weight the head puts on
     * the token just after that previous occurrence (the latest one), j + 1; averaged over those
     * positions. An induction head scores near 1; a head that ignores content scores near
     * {@link #uniformBaseline}.
     */
    public static double prefixMatching(double[][] pattern, int[] tokens) {
        requireSquare(pattern, tokens.length);
        double sum = 0;
        int scored = 0;
        for (int i = 1; i < tokens.length; i++) {
            int previous = previousOccurrence(tokens, i);
            if (previous < 0) continue;
            sum += pattern[i][previous + 1];
            scored++;
        }
        if (scored == 0)
            throw new IllegalArgumentException("no token occurs twice: prefix matching needs a sequence with repeats");
        return sum / scored;
    }

    /** The prefix-matching score of causal attention spread evenly (1/(i+1) on each key), on the same positions. */
    public static double uniformBaseline(int[] tokens) {
        double sum = 0;
        int scored = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (previousOccurrence(tokens, i) < 0) continue;
            sum += 1.0 / (i + 1);
            scored++;
        }
        if (scored == 0)
            throw new IllegalArgumentException("no token occurs twice: prefix matching needs a sequence with repeats");
        return sum / scored;
    }

    /** The mean weight each position from 1 on puts on the position just before it: near 1 for a previous-token head. */
    public static double previousToken(double[][] pattern) {
        requireSquare(pattern, pattern.length);
        if (pattern.length < 2) throw new IllegalArgumentException("a previous-token score needs at least 2 positions");
        double sum = 0;
        for (int i = 1; i < pattern.length; i++) sum += pattern[i][i - 1];
        return sum / (pattern.length - 1);
    }

    /** Per head, the prefix-matching score averaged over a batch: patterns (B, H, T, T), tokens B rows of at least T. */
    public static double[] prefixMatching(NDArray patterns, int[][] tokens) {
        double[][][][] p = toArray(patterns);
        if (tokens.length != p.length)
            throw new IllegalArgumentException(tokens.length + " token rows for a batch of " + p.length + " patterns");
        double[] scores = new double[p[0].length];
        for (int b = 0; b < p.length; b++) {
            int[] row = java.util.Arrays.copyOf(tokens[b], p[b][0].length);
            for (int h = 0; h < scores.length; h++) scores[h] += prefixMatching(p[b][h], row) / p.length;
        }
        return scores;
    }

    /** Per head, the previous-token score averaged over a batch of patterns (B, H, T, T). */
    public static double[] previousToken(NDArray patterns) {
        double[][][][] p = toArray(patterns);
        double[] scores = new double[p[0].length];
        for (double[][][] example : p)
            for (int h = 0; h < scores.length; h++) scores[h] += previousToken(example[h]) / p.length;
        return scores;
    }

    /**
     * Copying: the fraction of tokens whose own logit a head's OV circuit raises most. {@code circuit}
     * (V, V) maps a token the head attends to (row) to the logits its output adds (columns), e.g.
     * W_E·W_V·W_O·W_U. The identity scores 1; a head that writes unrelated tokens scores near 1/V.
     */
    public static double copying(NDArray circuit) {
        Shape s = circuit.getShape();
        if (s.dimension() != 2 || s.get(0) != s.get(1))
            throw new IllegalArgumentException("an OV circuit maps tokens to tokens: (V, V), got " + s);
        int v = (int) s.get(0);
        float[] m = circuit.toType(DataType.FLOAT32, false).toFloatArray();
        int copies = 0;
        for (int t = 0; t < v; t++) {
            int best = 0;
            for (int j = 1; j < v; j++) if (m[t * v + j] > m[t * v + best]) best = j;
            if (best == t) copies++;
        }
        return (double) copies / v;
    }

    /**
     * How much of what {@code second} does acts on {@code first}'s output: ‖first·second‖_F /
     * (‖first‖_F·‖second‖_F), between 0 and 1. Elhage et al.'s composition scores are this with
     * first = an earlier head's W_OV and second = a later head's W_Q·W_Kᵀ (Q), its W_Kᵀ side (K) or
     * its W_OV (V).
     */
    public static double composition(NDArray first, NDArray second) {
        if (first.getShape().dimension() != 2
                || second.getShape().dimension() != 2
                || first.getShape().get(1) != second.getShape().get(0)) {
            throw new IllegalArgumentException(
                    "need two matrices that multiply, got " + first.getShape() + " and " + second.getShape());
        }
        return first.matMul(second).norm().getFloat()
                / (first.norm().getFloat() * second.norm().getFloat());
    }

    /**
     * K-composition of an earlier head into a later head's keys. The later head scores a query
     * residual y against a key residual z as y·W_Q·W_Kᵀ·zᵀ; where z holds the earlier head's output
     * u·W_OV that is y·W_Q·W_Kᵀ·W_OVᵀ·uᵀ, so the score is {@link #composition} of W_OV with
     * W_K·W_Qᵀ (the transpose of that product, same norm). A previous-token head feeding an
     * induction head's keys is the textbook case.
     */
    public static double kComposition(
            AttentionOnlyTransformer model, HeadAblation.Head earlier, HeadAblation.Head later) {
        if (earlier.layer() >= later.layer())
            throw new IllegalArgumentException("head " + earlier + " must be in an earlier layer than head " + later);
        NDArray ov = model.ovMatrix(earlier.layer(), earlier.head());
        NDArray kq = model.key(later.layer(), later.head())
                .matMul(model.query(later.layer(), later.head()).transpose());
        return composition(ov, kq);
    }

    /** Index of the latest j < i with tokens[j] == tokens[i], or −1. */
    static int previousOccurrence(int[] tokens, int i) {
        for (int j = i - 1; j >= 0; j--) if (tokens[j] == tokens[i]) return j;
        return -1;
    }

    private static void requireSquare(double[][] pattern, int t) {
        if (pattern.length != t)
            throw new IllegalArgumentException("a pattern of " + pattern.length + " rows for " + t + " tokens");
        for (double[] row : pattern) {
            if (row.length != t)
                throw new IllegalArgumentException(
                        "an attention pattern must be T x T, got a row of " + row.length + " for T = " + t);
        }
    }

    private static double[][][][] toArray(NDArray patterns) {
        Shape s = patterns.getShape();
        if (s.dimension() != 4 || s.get(2) != s.get(3))
            throw new IllegalArgumentException("patterns must be (batch, heads, T, T), got " + s);
        int b = (int) s.get(0), h = (int) s.get(1), t = (int) s.get(2);
        float[] flat = patterns.toType(DataType.FLOAT32, false).toFloatArray();
        double[][][][] out = new double[b][h][t][t];
        int k = 0;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < h; j++)
                for (int q = 0; q < t; q++) for (int c = 0; c < t; c++) out[i][j][q][c] = flat[k++];
        return out;
    }
}

package fasttrack.embed;

import fasttrack.linalg.Svd;
import fasttrack.plot.Figure;
import fasttrack.plot.Plots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;

/** Trained word vectors, queried in plain Java: similarities, neighbours, analogies, a 2-D map. */
public final class WordVectors {

    /** How to compare two vectors. */
    public enum Metric {
        /** Angle only: cos θ = u·v / (|u||v|). Ignores length, which varies with word frequency (notebook 06 measures how). */
        COSINE,
        /** Straight-line distance, negated so that larger means closer. |q−x|² = |q|² + |x|² − 2q·x rewards a short x whatever the query. */
        EUCLIDEAN,
        /** u·v: direction and length together, so long vectors are favoured whatever their direction. */
        DOT
    }

    /** A word and how close it is under the metric asked for. */
    public record Neighbour(String word, double score) {}

    private final WordVocabulary vocabulary;
    private final float[][] vectors;
    private final double[] norms;

    public WordVectors(WordVocabulary vocabulary, float[][] vectors) {
        if (vectors.length != vocabulary.size()) {
            throw new IllegalArgumentException(
                    vectors.length + " vectors for " + vocabulary.size() + " words: need one per word");
        }
        this.vocabulary = vocabulary;
        this.vectors = vectors;
        this.norms =
                Arrays.stream(vectors).mapToDouble(v -> Math.sqrt(dot(v, v))).toArray();
    }

    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    public int dimensions() {
        return vectors[0].length;
    }

    public float[] vector(String word) {
        return vectors[vocabulary.id(word)].clone();
    }

    public double cosine(String a, String b) {
        return cosine(vocabulary.id(a), vocabulary.id(b));
    }

    double cosine(int a, int b) {
        double denominator = norms[a] * norms[b];
        return denominator == 0 ? 0 : dot(vectors[a], vectors[b]) / denominator;
    }

    /** The {@code k} words closest to {@code word}, itself excluded. */
    public List<Neighbour> nearest(String word, int k, Metric metric) {
        int id = vocabulary.id(word);
        return nearest(toDouble(vectors[id]), k, metric, Set.of(id));
    }

    /**
     * "a is to b as c is to ?": the words nearest (cosine) to b − a + c, the three inputs excluded.
     * Directions that separate a from b (e.g. male → female) are expected to separate c from the answer.
     */
    public List<Neighbour> analogy(String a, String b, String c, int k) {
        int ia = vocabulary.id(a), ib = vocabulary.id(b), ic = vocabulary.id(c);
        double[] target = new double[dimensions()];
        for (int d = 0; d < target.length; d++) {
            target[d] = vectors[ib][d] / norms[ib] - vectors[ia][d] / norms[ia] + vectors[ic][d] / norms[ic];
        }
        return nearest(target, k, Metric.COSINE, Set.of(ia, ib, ic));
    }

    private List<Neighbour> nearest(double[] query, int k, Metric metric, Set<Integer> exclude) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        double queryNorm = Math.sqrt(Arrays.stream(query).map(x -> x * x).sum());
        return IntStream.range(0, vectors.length)
                .filter(i -> !exclude.contains(i))
                .mapToObj(i -> new Neighbour(vocabulary.word(i), score(query, queryNorm, i, metric)))
                .sorted(Comparator.comparingDouble(Neighbour::score).reversed())
                .limit(k)
                .toList();
    }

    private double score(double[] query, double queryNorm, int i, Metric metric) {
        double dot = 0, distance = 0;
        for (int d = 0; d < query.length; d++) {
            dot += query[d] * vectors[i][d];
            double diff = query[d] - vectors[i][d];
            distance += diff * diff;
        }
        return switch (metric) {
            case COSINE -> norms[i] * queryNorm == 0 ? 0 : dot / (norms[i] * queryNorm);
            case EUCLIDEAN -> -Math.sqrt(distance);
            case DOT -> dot;
        };
    }

    /**
     * The mean cosine between words of the same category minus the mean cosine between words of
     * different categories: above 0 when the geometry groups what belongs together. Words missing
     * from the vocabulary are skipped.
     */
    public double categorySeparation(Map<String, List<String>> categories) {
        List<int[]> members = new ArrayList<>(); // {category, id}
        int c = 0;
        for (List<String> words : categories.values()) {
            for (String w : words) if (vocabulary.contains(w)) members.add(new int[] {c, vocabulary.id(w)});
            c++;
        }
        double within = 0, across = 0;
        long nWithin = 0, nAcross = 0;
        for (int i = 0; i < members.size(); i++) {
            for (int j = i + 1; j < members.size(); j++) {
                double cos = cosine(members.get(i)[1], members.get(j)[1]);
                if (members.get(i)[0] == members.get(j)[0]) {
                    within += cos;
                    nWithin++;
                } else {
                    across += cos;
                    nAcross++;
                }
            }
        }
        if (nWithin == 0 || nAcross == 0)
            throw new IllegalArgumentException("need two categories with two known words each");
        return within / nWithin - across / nAcross;
    }

    /** The words placed by their first two principal components (PCA via the SVD of the centred vectors). */
    public Figure projection(String title, List<String> words) {
        if (words.size() < 3) throw new IllegalArgumentException("give at least 3 words to project");
        double[][] x = new double[words.size()][];
        for (int i = 0; i < x.length; i++) x[i] = toDouble(vectors[vocabulary.id(words.get(i))]);
        double[] mean = new double[dimensions()];
        for (double[] row : x) for (int d = 0; d < mean.length; d++) mean[d] += row[d] / x.length;
        for (double[] row : x) for (int d = 0; d < mean.length; d++) row[d] -= mean[d];
        Svd svd = Svd.of(x);
        double[] px = new double[x.length], py = new double[x.length];
        for (int i = 0; i < x.length; i++) { // coordinates along the top two right singular vectors = U Σ
            px[i] = svd.u()[i][0] * svd.s()[0];
            py[i] = svd.u()[i][1] * svd.s()[1];
        }
        Figure figure = Plots.scatter(title, "principal component 1", "principal component 2", px, py);
        XYChart chart = (XYChart) figure.chart();
        double lift = 0.04
                * (Arrays.stream(py).max().orElse(0) - Arrays.stream(py).min().orElse(0)); // label above its dot
        for (int i = 0; i < x.length; i++)
            chart.addAnnotation(new AnnotationText(words.get(i), px[i], py[i] + lift, false));
        return figure;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}

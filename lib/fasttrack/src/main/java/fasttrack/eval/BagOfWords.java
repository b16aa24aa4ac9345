package fasttrack.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multinomial naive Bayes text classifier: the baseline a neural classifier has to beat. A text is
 * a bag of words (lowercased runs of letters; order ignored), each word drawn independently from
 * its class's word distribution. With n_c(w) the count of word w in the training texts of class c,
 * N_c = Σ_w n_c(w) and V the training vocabulary, add-one (Laplace) smoothing gives
 * <pre>
 *   P(w | c) = (n_c(w) + 1) / (N_c + |V|)        P(c) = (texts of class c) / (texts)
 *   log P(c | text) = log P(c) + Σ_{w in text} log P(w | c) − log Z
 * </pre>
 * where Z normalises over the classes. Smoothing keeps a word never seen with a class from ruling
 * that class out; words outside V carry no evidence and are skipped.
 */
public final class BagOfWords {

    private final double[] logPrior;
    /** log P(w | c) for each vocabulary word w, by class. */
    private final Map<String, double[]> logLikelihood;

    private BagOfWords(double[] logPrior, Map<String, double[]> logLikelihood) {
        this.logPrior = logPrior;
        this.logLikelihood = logLikelihood;
    }

    /** Counts words per class in {@code texts} (labels in 0..classes−1) and smooths the counts. */
    public static BagOfWords train(List<String> texts, int[] labels, int classes) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts: give at least one labelled text");
        if (texts.size() != labels.length)
            throw new IllegalArgumentException(
                    texts.size() + " texts but " + labels.length + " labels: give one label per text");
        if (classes < 1) throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        long[] docs = new long[classes], words = new long[classes];
        Map<String, long[]> counts = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= classes)
                throw new IllegalArgumentException("label " + i + " is " + c + ", not a class in 0.." + (classes - 1));
            docs[c]++;
            for (String w : words(texts.get(i))) {
                counts.computeIfAbsent(w, k -> new long[classes])[c]++;
                words[c]++;
            }
        }
        double[] logPrior = new double[classes];
        for (int c = 0; c < classes; c++) logPrior[c] = Math.log((double) docs[c] / labels.length);
        Map<String, double[]> logLikelihood = new HashMap<>();
        int vocabulary = counts.size();
        counts.forEach((w, n) -> {
            double[] log = new double[classes];
            for (int c = 0; c < classes; c++) log[c] = Math.log((n[c] + 1.0) / (words[c] + vocabulary));
            logLikelihood.put(w, log);
        });
        return new BagOfWords(logPrior, logLikelihood);
    }

    /** The words of a text: lowercased runs of letters (apostrophes, digits and punctuation split words). */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) if (!w.isEmpty()) words.add(w);
        return words;
    }

    public int classes() {
        return logPrior.length;
    }

    /** Words seen in training, |V|. */
    public int vocabularySize() {
        return logLikelihood.size();
    }

    /** log P(c | text) for every class c (their exponentials sum to 1). */
    public double[] logPosterior(String text) {
        double[] score = logPrior.clone();
        for (String w : words(text)) {
            double[] log = logLikelihood.get(w);
            if (log != null) for (int c = 0; c < score.length; c++) score[c] += log[c];
        }
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double s : score) max = Math.max(max, s);
        for (double s : score) sum += Math.exp(s - max);
        double logZ = max + Math.log(sum); // log-sum-exp, stable however long the text
        for (int c = 0; c < score.length; c++) score[c] -= logZ;
        return score;
    }

    /** The most probable class of each text. */
    public int[] predict(List<String> texts) {
        int[] predicted = new int[texts.size()];
        for (int i = 0; i < predicted.length; i++) {
            double[] posterior = logPosterior(texts.get(i));
            for (int c = 1; c < posterior.length; c++) if (posterior[c] > posterior[predicted[i]]) predicted[i] = c;
        }
        return predicted;
    }
}

package fasttrack.eval;

import fasttrack.plot.Heatmap;
import fasttrack.show.Format;
import fasttrack.show.TableView;
import fasttrack.show.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Single-label classification metrics from a confusion matrix C, where C[t][p] counts the items of
 * true class t predicted as p (rows truth, columns prediction). For class c:
 * <pre>
 *   TP = C[c][c]    FP = Σ_t≠c C[t][c] (column)    FN = Σ_p≠c C[c][p] (row)    support = TP + FN
 *   precision = TP / (TP + FP)    recall = TP / (TP + FN)    F1 = 2·P·R / (P + R)
 *   accuracy  = Σ_c C[c][c] / N
 * </pre>
 * A ratio 0/0 (a class never predicted, or never present) is defined as 0, as scikit-learn's
 * {@code zero_division=0}. Macro averages are the plain mean over all k classes, absent ones
 * included; micro averages pool TP, FP and FN over classes first, and for single-label data every
 * wrong prediction is one FP and one FN, so micro precision = micro recall = micro F1 = accuracy.
 */
public final class Classification {

    private final long[][] confusion;
    private final long total;

    private Classification(long[][] confusion, long total) {
        this.confusion = confusion;
        this.total = total;
    }

    /** The metrics of {@code predicted} against {@code truth}, labels in 0..classes−1. */
    public static Classification of(int[] truth, int[] predicted, int classes) {
        if (truth == null || predicted == null)
            throw new IllegalArgumentException("truth and predicted must not be null");
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length
                    + " predictions: give one prediction per item");
        }
        if (truth.length == 0) throw new IllegalArgumentException("no items: give at least one label and prediction");
        if (classes < 1) throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            requireLabel("truth", i, truth[i], classes);
            requireLabel("predicted", i, predicted[i], classes);
            confusion[truth[i]][predicted[i]]++;
        }
        return new Classification(confusion, truth.length);
    }

    private static void requireLabel(String name, int i, int label, int classes) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(name + "[" + i + "] = " + label + " is not a class in 0.."
                    + (classes - 1) + ": pass the right number of classes");
        }
    }

    public int classes() {
        return confusion.length;
    }

    /** A copy of C: rows truth, columns prediction. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) copy[i] = confusion[i].clone();
        return copy;
    }

    public long count(int truth, int predicted) {
        return confusion[checked(truth)][checked(predicted)];
    }

    public long total() {
        return total;
    }

    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < classes(); c++) correct += confusion[c][c];
        return (double) correct / total;
    }

    /** Items whose true class is c (the row sum). */
    public long support(int c) {
        long sum = 0;
        for (long n : confusion[checked(c)]) sum += n;
        return sum;
    }

    /** Items predicted as c (the column sum). */
    public long predictedCount(int c) {
        long sum = 0;
        for (long[] row : confusion) sum += row[checked(c)];
        return sum;
    }

    public double precision(int c) {
        return ratio(confusion[checked(c)][c], predictedCount(c));
    }

    public double recall(int c) {
        return ratio(confusion[checked(c)][c], support(c));
    }

    public double f1(int c) {
        return f1(precision(c), recall(c));
    }

    public double macroPrecision() {
        return IntStream.range(0, classes())
                .mapToDouble(this::precision)
                .average()
                .orElseThrow();
    }

    public double macroRecall() {
        return IntStream.range(0, classes()).mapToDouble(this::recall).average().orElseThrow();
    }

    /** The mean of the per-class F1 (scikit-learn's macro F1), not the F1 of the macro precision and recall. */
    public double macroF1() {
        return IntStream.range(0, classes()).mapToDouble(this::f1).average().orElseThrow();
    }

    /** Σ_c TP_c / Σ_c (TP_c + FP_c), pooled over classes: equal to {@link #accuracy()} for single-label data. */
    public double microPrecision() {
        long tp = 0, predictedTotal = 0;
        for (int c = 0; c < classes(); c++) {
            tp += confusion[c][c];
            predictedTotal += predictedCount(c);
        }
        return ratio(tp, predictedTotal);
    }

    /** Σ_c TP_c / Σ_c (TP_c + FN_c), pooled over classes: equal to {@link #accuracy()} for single-label data. */
    public double microRecall() {
        long tp = 0, supportTotal = 0;
        for (int c = 0; c < classes(); c++) {
            tp += confusion[c][c];
            supportTotal += support(c);
        }
        return ratio(tp, supportTotal);
    }

    public double microF1() {
        return f1(microPrecision(), microRecall());
    }

    /** Per class and averaged precision, recall, F1 and support, classes named 0..k−1. */
    public TableView report() {
        return report(IntStream.range(0, classes()).mapToObj(String::valueOf).toList());
    }

    /** Per class and averaged precision, recall, F1 and support, like scikit-learn's classification_report. */
    public TableView report(List<String> classNames) {
        requireNames(classNames);
        List<String> rows = new ArrayList<>(classNames);
        List<Double> precision = new ArrayList<>(), recall = new ArrayList<>(), f1 = new ArrayList<>();
        List<Long> support = new ArrayList<>();
        for (int c = 0; c < classes(); c++) {
            precision.add(precision(c));
            recall.add(recall(c));
            f1.add(f1(c));
            support.add(support(c));
        }
        rows.add("macro avg");
        precision.add(macroPrecision());
        recall.add(macroRecall());
        f1.add(macroF1());
        support.add(total);
        rows.add("micro avg");
        precision.add(microPrecision());
        recall.add(microRecall());
        f1.add(microF1());
        support.add(total);
        return Tables.of(String.format(
                        Locale.ROOT, "classification report: accuracy %.4f on %d items", accuracy(), total))
                .column("class", rows)
                .column("precision", precision, Format.decimals(3))
                .column("recall", recall, Format.decimals(3))
                .column("F1", f1, Format.decimals(3))
                .column("support", support, Format.COUNT);
    }

    /** The confusion matrix as a heatmap: rows truth, columns prediction. */
    public Heatmap plot(String title, List<String> classNames) {
        requireNames(classNames);
        double[][] values = new double[classes()][classes()];
        for (int t = 0; t < classes(); t++) for (int p = 0; p < classes(); p++) values[t][p] = confusion[t][p];
        List<String> rows = classNames.stream().map(n -> "true " + n).toList(),
                columns = classNames.stream().map(n -> "predicted " + n).toList();
        return Heatmap.of(title, rows, columns, values);
    }

    private void requireNames(List<String> classNames) {
        if (classNames == null || classNames.size() != classes()) {
            throw new IllegalArgumentException("give one name per class: " + classes() + " classes, "
                    + (classNames == null ? 0 : classNames.size()) + " names");
        }
    }

    private int checked(int c) {
        if (c < 0 || c >= classes())
            throw new IllegalArgumentException("class " + c + " is not in 0.." + (classes() - 1));
        return c;
    }

    /** a / b, with 0/0 = 0. */
    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
}

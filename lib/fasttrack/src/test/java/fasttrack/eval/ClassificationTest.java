package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationTest {

    // truth      0 0 0 0 1 1 2
    // predicted  0 0 1 2 1 1 1
    // C (rows truth, columns predicted) = [[2, 1, 1], [0, 2, 0], [0, 1, 0]]
    private static final Classification SMALL =
            Classification.of(new int[] {0, 0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 2, 1, 1, 1}, 3);

    @Test
    void theConfusionMatrixHasTruthInRowsAndPredictionsInColumns() {
        assertArrayEquals(new long[][] {{2, 1, 1}, {0, 2, 0}, {0, 1, 0}}, SMALL.confusionMatrix());
        assertEquals(1, SMALL.count(0, 2), "one item of class 0 predicted as 2");
        assertEquals(7, SMALL.total());
    }

    @Test
    void perClassMetricsByHand() {
        // accuracy = (2 + 2 + 0) / 7
        assertEquals(4.0 / 7, SMALL.accuracy(), 1e-15);
        // class 0: TP 2, column 2 -> P = 1; row 4 -> R = 1/2; F1 = 2·1·½ / 1½ = 2/3
        assertEquals(1.0, SMALL.precision(0), 1e-15);
        assertEquals(0.5, SMALL.recall(0), 1e-15);
        assertEquals(2.0 / 3, SMALL.f1(0), 1e-15);
        assertEquals(4, SMALL.support(0));
        // class 1: TP 2, column 1 + 2 + 1 = 4 -> P = 1/2; row 2 -> R = 1; F1 = 2/3
        assertEquals(0.5, SMALL.precision(1), 1e-15);
        assertEquals(1.0, SMALL.recall(1), 1e-15);
        assertEquals(2.0 / 3, SMALL.f1(1), 1e-15);
        // class 2: TP 0 -> P = 0/1 = 0, R = 0/1 = 0, F1 = 0 (P + R = 0)
        assertEquals(0.0, SMALL.precision(2));
        assertEquals(0.0, SMALL.recall(2));
        assertEquals(0.0, SMALL.f1(2));
        assertEquals(1, SMALL.support(2));
    }

    @Test
    void macroAveragesTheClassesAndMicroPoolsTheCounts() {
        // macro P = (1 + ½ + 0)/3 = ½, macro R = (½ + 1 + 0)/3 = ½, macro F1 = (2/3 + 2/3 + 0)/3 = 4/9 (not F1(½, ½) =
        // ½)
        assertEquals(0.5, SMALL.macroPrecision(), 1e-15);
        assertEquals(0.5, SMALL.macroRecall(), 1e-15);
        assertEquals(4.0 / 9, SMALL.macroF1(), 1e-15);
        // micro: pooled TP = 4 over 7 predictions and 7 true labels: every single-label metric equals accuracy
        assertEquals(SMALL.accuracy(), SMALL.microPrecision(), 1e-15);
        assertEquals(SMALL.accuracy(), SMALL.microRecall(), 1e-15);
        assertEquals(SMALL.accuracy(), SMALL.microF1(), 1e-15);
    }

    @Test
    void aClassNeverSeenCountsAsZeroInTheMacroAverage() {
        // The same items with k = 4: class 3 is neither true nor predicted, so P = R = F1 = 0/0 := 0,
        // and macro F1 = (2/3 + 2/3 + 0 + 0) / 4 = 1/3.
        var four = Classification.of(new int[] {0, 0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 2, 1, 1, 1}, 4);
        assertEquals(0.0, four.precision(3));
        assertEquals(0.0, four.recall(3));
        assertEquals(0, four.support(3));
        assertEquals(1.0 / 3, four.macroF1(), 1e-15);
        assertEquals(4.0 / 7, four.microF1(), 1e-15);
    }

    @Test
    void scikitLearnsClassificationReportExample() {
        // https://scikit-learn.org/0.15/modules/generated/sklearn.metrics.classification_report.html
        // y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1], printed to 2 decimals:
        // class 0: 0.50 1.00 0.67 1; class 1: 0.00 0.00 0.00 1; class 2: 1.00 0.67 0.80 3
        var report = Classification.of(new int[] {0, 1, 2, 2, 2}, new int[] {0, 0, 2, 2, 1}, 3);
        double[][] expected = {{0.50, 1.00, 0.67, 1}, {0.00, 0.00, 0.00, 1}, {1.00, 0.67, 0.80, 3}};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c][0], report.precision(c), 0.005, "precision of class " + c);
            assertEquals(expected[c][1], report.recall(c), 0.005, "recall of class " + c);
            assertEquals(expected[c][2], report.f1(c), 0.005, "F1 of class " + c);
            assertEquals((long) expected[c][3], report.support(c));
        }
        // By hand: accuracy 3/5; macro P = (½ + 0 + 1)/3 = ½, macro R = (1 + 0 + ⅔)/3 = 5/9, macro F1 = (⅔ + 0 + ⅘)/3 =
        // 22/45
        assertEquals(0.6, report.accuracy(), 1e-15);
        assertEquals(0.5, report.macroPrecision(), 1e-15);
        assertEquals(5.0 / 9, report.macroRecall(), 1e-15);
        assertEquals(22.0 / 45, report.macroF1(), 1e-15);
    }

    @Test
    void perfectPredictionsAndASingleClassScoreOne() {
        var perfect = Classification.of(new int[] {0, 1, 2, 1}, new int[] {0, 1, 2, 1}, 3);
        assertEquals(1.0, perfect.accuracy());
        assertEquals(1.0, perfect.macroF1());
        var single = Classification.of(new int[] {0, 0, 0}, new int[] {0, 0, 0}, 1);
        assertEquals(1.0, single.accuracy());
        assertEquals(1.0, single.f1(0));
        assertEquals(1.0, single.macroF1());
    }

    @Test
    void theReportHasOneRowPerClassAndTheTwoAverages() {
        var table = SMALL.report(List.of("cat", "dog", "bird"));
        assertEquals(5, table.rowCount());
        assertEquals(
                List.of("class", "precision", "recall", "F1", "support"),
                table.table().columnNames());
        assertEquals("macro avg", table.table().stringColumn("class").get(3));
        assertEquals(4.0 / 9, table.table().doubleColumn("F1").get(3), 1e-15);
        assertEquals(3, SMALL.report().rowCount() - 2);
        assertMessage("3 classes, 2 names", () -> SMALL.plot("confusion", List.of("cat", "dog")));
        SMALL.plot("confusion", List.of("cat", "dog", "bird"));
    }

    @Test
    void badInputIsRefusedWithAHint() {
        assertMessage(
                "3 true labels but 2 predictions", () -> Classification.of(new int[] {0, 1, 1}, new int[] {0, 1}, 2));
        assertMessage(
                "predicted[1] = 2 is not a class in 0..1",
                () -> Classification.of(new int[] {0, 1}, new int[] {0, 2}, 2));
        assertMessage("truth[0] = -1", () -> Classification.of(new int[] {-1}, new int[] {0}, 2));
        assertMessage("no items", () -> Classification.of(new int[0], new int[0], 2));
        assertMessage("classes must be at least 1", () -> Classification.of(new int[] {0}, new int[] {0}, 0));
        assertMessage("one name per class", () -> SMALL.report(List.of("cat")));
        assertMessage("class 3 is not in 0..2", () -> SMALL.precision(3));
    }
}

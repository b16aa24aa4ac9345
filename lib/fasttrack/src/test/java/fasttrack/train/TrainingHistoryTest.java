package fasttrack.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.show.TableView;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingHistoryTest {

    @Test
    void theTableShowsLossesToThreeDecimalsWithTheLearningRateAndStepTime() {
        TrainingHistory history = new TrainingHistory();
        for (int step = 0; step < 20_000; step++) {
            history.add(new TrainingHistory.Step(
                    step, 3.0, step < 10_000 ? 3e-4f : 2.87e-5f, 1.0, step < 10_000 ? 0.0125 : 0.0135));
        }
        history.add(new TrainingHistory.Evaluation(10_000, 2.302585092994046, 2.4567891234));
        history.add(new TrainingHistory.Evaluation(20_000, 1.98765432, 2.0004999));
        TableView table = history.table();

        assertEquals(
                List.of(
                        "step",
                        "train loss",
                        "validation loss",
                        "validation perplexity",
                        "learning rate",
                        "time per step"),
                table.table().columnNames());
        String html = table.html();
        for (String row :
                List.of("10000|2.303|2.457|11.67|3.00e-4|12.5 ms", "20000|1.988|2.000|7.39|2.87e-5|13.5 ms")) {
            String cells = "<td style=\"text-align:right\">" + row.replace("|", "</td><td style=\"text-align:right\">")
                    + "</td>";
            assertTrue(html.contains(cells), row + " in " + html);
        }
        String text = table.toString();
        assertTrue(
                text.contains("2.303")
                        && text.contains("2.000")
                        && text.contains("12.5 ms")
                        && text.contains("3.00e-4"),
                text);
        assertFalse(
                text.contains("2.3025") || text.contains("10,000"),
                "no long decimals, no separators in step numbers: " + text);
        assertEquals(
                2.302585092994046, table.table().doubleColumn("train loss").get(0), "the table keeps the exact loss");
    }

    @Test
    void stepsNotTimedShowNoTime() {
        TrainingHistory history = new TrainingHistory();
        history.add(new TrainingHistory.Step(0, 3.0, 1e-3f, 1.0, 0));
        history.add(new TrainingHistory.Evaluation(1, 2.5, 2.6));
        assertTrue(
                history.table()
                        .html()
                        .contains(
                                "<td style=\"text-align:right\">1.00e-3</td><td style=\"text-align:right\">\u2014</td>"),
                history.table().html());
    }
}

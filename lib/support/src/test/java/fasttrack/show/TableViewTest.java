package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableViewTest {

    private static Table table(int rows) {
        StringColumn names = StringColumn.create("name");
        DoubleColumn values = DoubleColumn.create("value");
        for (int i = 0; i < rows; i++) {
            names.append(i == 0 ? "<b>&\"x\"" : "row" + i);
            values.append(i);
        }
        return Table.create("numbers", names, values);
    }

    @Test
    void rendersEscapedHtmlWithHeaderAndCaption() {
        String html = TableView.of(table(2)).mimeBundle().get("text/html");
        assertTrue(html.contains("<caption>numbers</caption>"), html);
        assertTrue(html.contains("<th>name</th><th>value</th>"), html);
        assertTrue(html.contains("&lt;b&gt;&amp;&quot;x&quot;"), html);
        assertFalse(html.contains("<b>&"), "cell text must be escaped");
    }

    @Test
    void longTablesSayHowManyRowsWereLeftOut() {
        TableView view = TableView.of(table(10), 3);
        String html = view.html();
        assertTrue(html.contains("first 3 of 10 rows"), html);
        assertEquals(3, html.split("<tr>").length - 2, "header row plus three body rows");
        assertTrue(view.mimeBundle().containsKey("text/plain"));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TableView.of(null));
        assertThrows(IllegalArgumentException.class, () -> TableView.of(table(1), 0));
    }

    @Test
    void buildsATableColumnByColumn() {
        TableView view = Tables.of("timings")
                .column("n", new int[] {64, 128})
                .column("count", new long[] {5L, 6L})
                .column("GFLOP/s", new double[] {1.5, 2.25})
                .column("label", List.of("small", "large"))
                .column("rank", IntStream.rangeClosed(1, 2))
                .column("from a stream", Stream.of("a", "b"))
                .column("boxed", List.of(0.5, 0.75));
        assertEquals(2, view.rowCount());
        assertEquals("timings", view.table().name());
        assertEquals(
                List.of(
                        ColumnType.INTEGER,
                        ColumnType.LONG,
                        ColumnType.DOUBLE,
                        ColumnType.STRING,
                        ColumnType.INTEGER,
                        ColumnType.STRING,
                        ColumnType.DOUBLE),
                view.table().columns().stream().map(c -> c.type()).toList());
        String html = view.html();
        assertTrue(html.contains("<caption>timings</caption>"), html);
        assertTrue(html.contains("<th>n</th><th>count</th><th>GFLOP/s</th><th>label</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:left\">large</td>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">2.25</td>"), "numbers are right-aligned: " + html);
    }

    /** The cells of {@code view}'s HTML, in order. */
    private static List<String> cells(TableView view) {
        return java.util.Arrays.stream(view.html().split("<td style=\"text-align:(left|right)\">"))
                .skip(1)
                .map(cell -> cell.substring(0, cell.indexOf("</td>")))
                .toList();
    }

    @Test
    void numbersAreWrittenSensiblyByDefault() {
        TableView view = Tables.of("defaults")
                .column("year", new int[] {1999, 2024, -1})
                .column("tokens", new long[] {5_000, 1_234_567, -12_345})
                .column("value", new double[] {0.000123, 1234.5678, Double.NaN})
                .column("ratio", List.of(2.5, Double.NEGATIVE_INFINITY, -0.0));
        assertEquals(
                List.of(
                        "1999",
                        "5,000",
                        "1.23e-4",
                        "2.5",
                        "2024",
                        "1,234,567",
                        "1,234.6",
                        "-∞",
                        "-1",
                        "-12,345",
                        "\u2014",
                        "0"),
                cells(view));
        String text = view.toString();
        assertTrue(text.contains("1,234,567"), text);
        assertTrue(
                text.contains("1.23e-4") && text.contains("1,234.6") && text.contains("\u2014") && text.contains("-∞"),
                text);
        assertTrue(text.contains("2024") && !text.contains("2,024"), "four-digit columns stay plain: " + text);
        assertEquals(0.000123, view.table().doubleColumn("value").get(0), "the table keeps the exact value");
        assertEquals(
                "1234.5678",
                view.table().doubleColumn("value").getString(1),
                "the Tablesaw table's own formatting is untouched");
    }

    @Test
    void aColumnCanBeGivenItsFormat() {
        TableView view = Tables.of("run")
                .column("step", new int[] {10_000, 20_000}, Format.ID)
                .column("val loss", new double[] {2.302585092994046, -0.0001}, Format.LOSS)
                .column("lr", List.of(3e-4, 2.87e-5), Format.SCIENTIFIC)
                .column("step time", DoubleStream.of(12.53, 0.0), Format.MILLIS)
                .column("accuracy", new double[] {0.1234, 1})
                .format("accuracy", Format.percent(1));
        assertEquals(
                List.of("10000", "2.303", "3.00e-4", "12.5 ms", "12.3%", "20000", "0.000", "2.87e-5", "0 ms", "100.0%"),
                cells(view));
        String text = view.toString();
        for (String cell : cells(view)) assertTrue(text.contains(cell), cell + " in " + text);
        assertFalse(text.contains("2.302585"), text);
    }

    @Test
    void formatsApplyOnlyToNumericColumnsThatExist() {
        TableView view = Tables.of("t").column("label", List.of("a")).column("x", new double[] {1});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.format("y", Format.LOSS))
                .getMessage()
                .contains("no column called 'y'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.format("label", Format.LOSS))
                .getMessage()
                .contains("not numbers"));
        assertThrows(IllegalArgumentException.class, () -> view.format("x", null));
    }

    @Test
    void addingAColumnLeavesTheEarlierViewAsItWas() {
        TableView one = Tables.of("t").column("a", new int[] {1, 2, 3});
        TableView two = one.column("b", new String[] {"x", "y", "z"});
        assertEquals(1, one.table().columnCount());
        assertEquals(2, two.table().columnCount());
        assertEquals(
                ColumnType.LONG,
                Tables.of("t").column("big", List.of(1, 2L)).table().column(0).type(),
                "ints and longs: long");
    }

    @Test
    void columnsMustFitTheTable() {
        TableView view = Tables.of("t").column("a", new int[] {1, 2, 3});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.column("b", new double[] {1, 2}))
                .getMessage()
                .contains("column 'b' has 2 values, the table has 3 rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.column("a", new int[] {4, 5, 6}))
                .getMessage()
                .contains("already has a column called 'a'"));
    }
}

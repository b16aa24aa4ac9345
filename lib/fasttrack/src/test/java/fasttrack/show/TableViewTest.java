package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
        assertEquals(List.of(ColumnType.INTEGER, ColumnType.LONG, ColumnType.DOUBLE, ColumnType.STRING, ColumnType.INTEGER, ColumnType.STRING, ColumnType.DOUBLE),
                view.table().columns().stream().map(c -> c.type()).toList());
        String html = view.html();
        assertTrue(html.contains("<caption>timings</caption>"), html);
        assertTrue(html.contains("<th>n</th><th>count</th><th>GFLOP/s</th><th>label</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:left\">large</td>"), html);
    }

    @Test
    void addingAColumnLeavesTheEarlierViewAsItWas() {
        TableView one = Tables.of("t").column("a", new int[] {1, 2, 3});
        TableView two = one.column("b", new String[] {"x", "y", "z"});
        assertEquals(1, one.table().columnCount());
        assertEquals(2, two.table().columnCount());
        assertEquals(ColumnType.LONG, Tables.of("t").column("big", List.of(1, 2L)).table().column(0).type(), "ints and longs: long");
    }

    @Test
    void columnsMustFitTheTable() {
        TableView view = Tables.of("t").column("a", new int[] {1, 2, 3});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.column("b", new double[] {1, 2}))
                .getMessage().contains("column 'b' has 2 values, the table has 3 rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> view.column("a", new int[] {4, 5, 6}))
                .getMessage().contains("already has a column called 'a'"));
    }
}

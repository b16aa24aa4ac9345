package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
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
}

package fasttrack.show;

import java.util.LinkedHashMap;
import java.util.Map;
import tech.tablesaw.api.Table;

/** A Tablesaw table shown as an HTML table in the notebook (and as text elsewhere). */
public final class TableView implements Displayable {

    private static final int DEFAULT_MAX_ROWS = 50;

    private final Table table;
    private final int maxRows;

    private TableView(Table table, int maxRows) {
        if (table == null) throw new IllegalArgumentException("table must not be null");
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        this.table = table;
        this.maxRows = maxRows;
    }

    public static TableView of(Table table) {
        return new TableView(table, DEFAULT_MAX_ROWS);
    }

    /** Shows at most {@code maxRows} rows; the caption says how many were left out. */
    public static TableView of(Table table, int maxRows) {
        return new TableView(table, maxRows);
    }

    public Table table() {
        return table;
    }

    public String html() {
        StringBuilder html = new StringBuilder("<table class=\"fasttrack-table\">");
        String name = table.name() == null ? "" : table.name();
        int shown = Math.min(maxRows, table.rowCount());
        String hidden = shown < table.rowCount() ? " (first " + shown + " of " + table.rowCount() + " rows)" : "";
        if (!name.isEmpty() || !hidden.isEmpty()) {
            html.append("<caption>").append(Html.escape(name + hidden)).append("</caption>");
        }
        html.append("<thead><tr>");
        for (String column : table.columnNames()) {
            html.append("<th>").append(Html.escape(column)).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (int row = 0; row < shown; row++) {
            html.append("<tr>");
            for (int col = 0; col < table.columnCount(); col++) {
                String cell = table.column(col).getString(row);
                html.append("<td style=\"text-align:left\">").append(Html.escape(cell)).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html());
        bundle.put("text/plain", toString());
        return bundle;
    }

    @Override
    public String toString() {
        return table.print(maxRows);
    }
}

package fasttrack.show;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw table shown as an HTML table in the notebook (and as text elsewhere). Build one column
 * by column with {@link Tables#of(String)}, without Tablesaw's API:
 * <pre>{@code
 * Tables.of("matmul timings").column("n", sizes).column("GFLOP/s", gflops)
 * }</pre>
 * or show any Tablesaw table with {@link #of(Table)}.
 */
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

    /** This table with an integer column added. */
    public TableView column(String name, int[] values) {
        return with(IntColumn.create(name, values));
    }

    public TableView column(String name, IntStream values) {
        return column(name, values.toArray());
    }

    /** This table with a (long) integer column added. */
    public TableView column(String name, long[] values) {
        return with(LongColumn.create(name, values));
    }

    public TableView column(String name, LongStream values) {
        return column(name, values.toArray());
    }

    /** This table with a column of decimal numbers added. */
    public TableView column(String name, double[] values) {
        return with(DoubleColumn.create(name, values));
    }

    public TableView column(String name, DoubleStream values) {
        return column(name, values.toArray());
    }

    /**
     * This table with a column of {@code values} added: integers if they all are (Integer, Long,
     * Short, Byte), decimal numbers if they are all numbers, otherwise text ({@code String.valueOf}).
     */
    public TableView column(String name, Collection<?> values) {
        List<?> list = List.copyOf(values);
        if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            return column(name, list.stream().mapToInt(v -> ((Number) v).intValue()));
        }
        if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
            return column(name, list.stream().mapToLong(v -> ((Number) v).longValue()));
        }
        if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Number)) {
            return column(name, list.stream().mapToDouble(v -> ((Number) v).doubleValue()));
        }
        return with(StringColumn.create(name, list.stream().map(String::valueOf).collect(Collectors.toList())));
    }

    public TableView column(String name, Stream<?> values) {
        return column(name, values.collect(Collectors.toList()));
    }

    public TableView column(String name, Object[] values) {
        return column(name, Arrays.asList(values));
    }

    /** A copy with {@code column} added, after checking it fits. */
    private TableView with(Column<?> column) {
        if (table.columnNames().contains(column.name())) {
            throw new IllegalArgumentException("the table already has a column called '" + column.name() + "'");
        }
        if (table.columnCount() > 0 && column.size() != table.rowCount()) {
            throw new IllegalArgumentException("column '" + column.name() + "' has " + column.size() + " values, the table has "
                    + table.rowCount() + " rows");
        }
        Table copy = table.copy();
        copy.setName(table.name());
        return new TableView(copy.addColumns(column), maxRows);
    }

    public Table table() {
        return table;
    }

    public int rowCount() {
        return table.rowCount();
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

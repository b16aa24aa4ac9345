package fasttrack.show;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.ShortColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.IntColumnType;
import tech.tablesaw.columns.numbers.LongColumnType;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.columns.numbers.ShortColumnType;

/**
 * A Tablesaw table shown as an HTML table in the notebook (and as text elsewhere). Build one column
 * by column with {@link Tables#of(String)}, without Tablesaw's API:
 * <pre>{@code
 * Tables.of("matmul timings").column("n", sizes).column("GFLOP/s", gflops)
 * }</pre>
 * or show any Tablesaw table with {@link #of(Table)}.
 *
 * <p>Numbers are written as a careful author would, in the HTML and the text alike; the table keeps
 * the exact values. Give a column a {@link Format} ({@code column("val loss", losses, Format.LOSS)},
 * or {@link #format(String, Format)}), or it gets the default:
 * <ul>
 * <li>whole numbers have thousands separators when some value in the column has five digits or more,
 *     and then all do, so the digits line up: 1,234,567 and 5,000. A column of smaller numbers stays
 *     plain, so years, ports and steps up to 9999 do not read as quantities; mark larger identifiers
 *     {@link Format#ID} (steps, seeds, token ids).
 * <li>decimal numbers have at most 4 decimals and 5 significant digits, trailing zeros dropped,
 *     the whole part never rounded (3.14159 → 3.1416, 1234.5678 → 1,234.6, 2.50 → 2.5), and
 *     scientific notation below 0.001 and from 10¹² up (0.000123 → 1.23e-4).
 * <li>a NaN is what Tablesaw counts as missing, and a table uses it for "does not apply" (the time per
 *     step of a model that was not trained): it is written {@code —}, as a missing whole number is;
 *     infinities as {@code ∞} and {@code -∞}.
 * </ul>
 * Numbers are right-aligned in the HTML, text left-aligned.
 */
public final class TableView implements Displayable {

    private static final int DEFAULT_MAX_ROWS = 50;

    private final Table table;
    private final int maxRows;
    /** The formats given to columns, by name; the other numeric columns get the default. */
    private final Map<String, Format> formats;

    private TableView(Table table, int maxRows, Map<String, Format> formats) {
        if (table == null) throw new IllegalArgumentException("table must not be null");
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        this.table = table;
        this.maxRows = maxRows;
        this.formats = Map.copyOf(formats);
    }

    public static TableView of(Table table) {
        return of(table, DEFAULT_MAX_ROWS);
    }

    /** Shows at most {@code maxRows} rows; the caption says how many were left out. */
    public static TableView of(Table table, int maxRows) {
        return new TableView(table, maxRows, Map.of());
    }

    /** This table with an integer column added. */
    public TableView column(String name, int[] values) {
        return with(IntColumn.create(name, values));
    }

    public TableView column(String name, IntStream values) {
        return column(name, values.toArray());
    }

    /** This table with an integer column added, written in {@code format}. */
    public TableView column(String name, int[] values, Format format) {
        return column(name, values).format(name, format);
    }

    public TableView column(String name, IntStream values, Format format) {
        return column(name, values).format(name, format);
    }

    /** This table with a (long) integer column added. */
    public TableView column(String name, long[] values) {
        return with(LongColumn.create(name, values));
    }

    public TableView column(String name, LongStream values) {
        return column(name, values.toArray());
    }

    /** This table with a (long) integer column added, written in {@code format}. */
    public TableView column(String name, long[] values, Format format) {
        return column(name, values).format(name, format);
    }

    public TableView column(String name, LongStream values, Format format) {
        return column(name, values).format(name, format);
    }

    /** This table with a column of decimal numbers added. */
    public TableView column(String name, double[] values) {
        return with(DoubleColumn.create(name, values));
    }

    public TableView column(String name, DoubleStream values) {
        return column(name, values.toArray());
    }

    /** This table with a column of decimal numbers added, written in {@code format}: {@code column("val loss", losses, Format.LOSS)}. */
    public TableView column(String name, double[] values, Format format) {
        return column(name, values).format(name, format);
    }

    public TableView column(String name, DoubleStream values, Format format) {
        return column(name, values).format(name, format);
    }

    /**
     * This table with a column of {@code values} added: integers if they all are (Integer, Long,
     * Short, Byte), decimal numbers if they are all numbers, otherwise text ({@code String.valueOf}).
     */
    public TableView column(String name, Collection<?> values) {
        List<?> list = List.copyOf(values);
        if (!list.isEmpty()
                && list.stream().allMatch(v -> v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            return column(name, list.stream().mapToInt(v -> ((Number) v).intValue()));
        }
        if (!list.isEmpty()
                && list.stream()
                        .allMatch(v ->
                                v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
            return column(name, list.stream().mapToLong(v -> ((Number) v).longValue()));
        }
        if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Number)) {
            return column(name, list.stream().mapToDouble(v -> ((Number) v).doubleValue()));
        }
        return with(StringColumn.create(name, list.stream().map(String::valueOf).collect(Collectors.toList())));
    }

    /** This table with a column of numbers added, written in {@code format}. */
    public TableView column(String name, Collection<? extends Number> values, Format format) {
        return column(name, values).format(name, format);
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
            throw new IllegalArgumentException("column '" + column.name() + "' has " + column.size()
                    + " values, the table has " + table.rowCount() + " rows");
        }
        return new TableView(copy().addColumns(column), maxRows, formats);
    }

    /** This table with the numbers of {@code column} written in {@code format} (display only: the values stay exact). */
    public TableView format(String column, Format format) {
        if (format == null) throw new IllegalArgumentException("format must not be null");
        if (!table.columnNames().contains(column)) {
            throw new IllegalArgumentException(
                    "the table has no column called '" + column + "'; it has " + table.columnNames());
        }
        if (!(table.column(column) instanceof NumericColumn)) {
            throw new IllegalArgumentException("column '" + column + "' holds "
                    + table.column(column).type().name().toLowerCase(Locale.ROOT)
                    + " values, not numbers: a Format is for numbers");
        }
        Map<String, Format> more = new HashMap<>(formats);
        more.put(column, format);
        return new TableView(table, maxRows, more);
    }

    private Table copy() {
        Table copy = table.copy();
        copy.setName(table.name());
        return copy;
    }

    /** The table as shown: a copy whose numeric columns print through their formats. */
    private Table shown() {
        Table shown = copy();
        for (Column<?> column : shown.columns()) {
            if (column instanceof NumberColumn<?, ?> numbers) numbers.setPrintFormatter(new Printer(formatOf(numbers)));
        }
        return shown;
    }

    private Format formatOf(NumberColumn<?, ?> column) {
        Format chosen = formats.get(column.name());
        if (chosen != null) return chosen;
        if (column instanceof IntColumn || column instanceof LongColumn || column instanceof ShortColumn) {
            return Math.max(Math.abs(column.min()), Math.abs(column.max())) >= 10_000 ? Format.COUNT : Format.ID;
        }
        return Format.GENERAL;
    }

    public Table table() {
        return table;
    }

    public int rowCount() {
        return table.rowCount();
    }

    public String html() {
        Table formatted = shown();
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
                Column<?> column = formatted.column(col);
                html.append("<td style=\"text-align:")
                        .append(column instanceof NumericColumn ? "right" : "left")
                        .append("\">")
                        .append(Html.escape(column.getString(row)))
                        .append("</td>");
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
        return shown().print(maxRows);
    }

    /** Tablesaw's hook for how a column prints its numbers, here a {@link Format}. */
    /** How a missing value (a NaN, or Tablesaw's missing marker) is written. */
    private static final String MISSING = "\u2014";

    private static final class Printer extends NumberColumnFormatter {
        private final Format format;

        Printer(Format format) {
            this.format = format;
        }

        @Override
        public String format(double value) {
            return Double.isNaN(value) ? MISSING : format.format(value);
        }

        @Override
        public String format(float value) {
            return format((double) value);
        }

        @Override
        public String format(long value) {
            return LongColumnType.valueIsMissing(value) ? MISSING : format.format(value);
        }

        @Override
        public String format(int value) {
            return IntColumnType.valueIsMissing(value) ? MISSING : format.format((long) value);
        }

        @Override
        public String format(short value) {
            return ShortColumnType.valueIsMissing(value) ? MISSING : format.format((long) value);
        }
    }
}

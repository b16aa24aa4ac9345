package fasttrack.show;

import tech.tablesaw.api.Table;

/**
 * Tables without Tablesaw's API: {@code Tables.of("matmul timings").column("n", sizes).column("GFLOP/s", gflops)}
 * is a {@link TableView} with those columns, shown as an HTML table when it is a cell's value.
 */
public final class Tables {

    private Tables() {}

    /** An empty table called {@code title}: add its columns with {@code column(name, values)}, one call each. */
    public static TableView of(String title) {
        return TableView.of(Table.create(title));
    }
}

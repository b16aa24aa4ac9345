package fasttrack.linalg;

/** Elimination without row exchanges met a zero in a pivot position. */
public final class ZeroPivotException extends ArithmeticException {

    private final int row;

    public ZeroPivotException(int row, String message) {
        super(message);
        this.row = row;
    }

    /** The 0-based row whose pivot is zero. */
    public int row() {
        return row;
    }
}

package fasttrack.linalg;

/** A matrix with no inverse: elimination found no usable pivot in some column. */
public final class SingularMatrixException extends ArithmeticException {

    private final int column;

    public SingularMatrixException(int column, String message) {
        super(message);
        this.column = column;
    }

    /** The 0-based column with no pivot. */
    public int column() {
        return column;
    }
}

package fasttrack.kernel;

/**
 * What a cell evaluated to.
 *
 * @param value the object of the last snippet when it was an expression, else null
 * @param text  JShell's rendering of that value (quotes strings, expands arrays), else null
 */
record CellResult(Object value, String text) {

    static final CellResult NONE = new CellResult(null, null);

    boolean hasValue() {
        return text != null;
    }
}

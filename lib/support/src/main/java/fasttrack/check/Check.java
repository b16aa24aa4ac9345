package fasttrack.check;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * The "check yourself" assertions notebooks end their ideas with. Each claim that holds prints one
 * line, {@code ✓ claim}, which the notebook tests count; one that fails throws {@link CheckFailed}
 * and so fails the cell.
 */
public final class Check {

    /** The prefix of every passed check's line. */
    public static final String PASSED = "\u2713 ";

    private Check() {}

    public static void that(boolean condition, String claim) {
        requireClaim(claim);
        if (!condition) throw new CheckFailed("\u2717 " + claim);
        passed(claim);
    }

    public static void close(double actual, double expected, double tolerance, String claim) {
        requireClaim(claim);
        if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        if (!(Math.abs(actual - expected) <= tolerance)) {
            throw new CheckFailed("\u2717 " + claim + ": expected " + expected + " \u00b1 " + tolerance + ", got " + actual);
        }
        passed(claim);
    }

    public static void equal(Object actual, Object expected, String claim) {
        requireClaim(claim);
        if (!Objects.equals(actual, expected)) {
            throw new CheckFailed("\u2717 " + claim + ": expected " + expected + ", got " + actual);
        }
        passed(claim);
    }

    public static void shape(NDArray array, Shape expected, String claim) {
        requireClaim(claim);
        Objects.requireNonNull(array, "array");
        if (!array.getShape().equals(expected)) {
            throw new CheckFailed("\u2717 " + claim + ": expected shape " + expected + ", got " + array.getShape());
        }
        passed(claim);
    }

    private static void requireClaim(String claim) {
        if (claim == null || claim.isBlank()) throw new IllegalArgumentException("a check needs a claim: say what it proves");
    }

    private static void passed(String claim) {
        System.out.println(PASSED + claim);
    }
}

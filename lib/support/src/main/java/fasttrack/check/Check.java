package fasttrack.check;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * The "check yourself" assertions notebooks end their ideas with. Each claim that holds prints one
 * line, {@code ✓ claim}, which the notebook tests count; one that fails throws {@link CheckFailed}
 * and so fails the cell. Checks that cannot run on this machine (an outside reference that needs
 * something it lacks) are declared with {@link #skipped}: one line, {@code ⊘ N checks skipped: why},
 * which the notebook tests subtract from the number the notebook must pass, so a machine that has what
 * they need must pass them all.
 */
public final class Check {

    /** The prefix of every passed check's line. */
    public static final String PASSED = "\u2713 ";
    /** The prefix of the line that declares checks skipped. */
    public static final String SKIPPED = "\u2298 ";

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
            throw new CheckFailed(
                    "\u2717 " + claim + ": expected " + expected + " \u00b1 " + tolerance + ", got " + actual);
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

    /**
     * Declares that {@code count} checks did not run here, and why (what the machine lacks and how to get
     * it): prints {@code ⊘ count checks skipped: why}. Never a way around a check that fails.
     */
    public static void skipped(int count, String why) {
        if (count < 1) throw new IllegalArgumentException("skipped checks are counted from 1, got " + count);
        if (why == null || why.isBlank())
            throw new IllegalArgumentException("say why the checks are skipped, and what would run them");
        System.out.println(SKIPPED + count + (count == 1 ? " check" : " checks") + " skipped: " + why);
    }

    private static void requireClaim(String claim) {
        if (claim == null || claim.isBlank())
            throw new IllegalArgumentException("a check needs a claim: say what it proves");
    }

    private static void passed(String claim) {
        System.out.println(PASSED + claim);
    }
}

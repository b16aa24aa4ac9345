package fasttrack.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.function.Executable;

/** Assertions the metric tests share. */
final class EvalAssertions {

    private EvalAssertions() {}

    /**
     * What a Python doctest with ELLIPSIS checks: {@code "0.5045..."} holds when the value's decimals
     * start with 0.5045, i.e. 0.5045 <= value < 0.5046.
     */
    static void assertDoctest(String printed, double value) {
        BigDecimal prefix = new BigDecimal(printed.replace("...", ""));
        BigDecimal next = prefix.add(BigDecimal.ONE.movePointLeft(prefix.scale()));
        BigDecimal actual = new BigDecimal(value);
        assertTrue(
                actual.compareTo(prefix) >= 0 && actual.compareTo(next) < 0,
                "expected " + printed + " but was " + value);
    }

    /** {@code call} throws an IllegalArgumentException whose message contains {@code part}. */
    static void assertMessage(String part, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
    }
}

package fasttrack.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import fasttrack.runtime.Setup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureOut() {
        original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOut() {
        System.setOut(original);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void passedClaimsPrintOneMarkedLineEach() {
        Check.that(true, "truth holds");
        Check.close(0.1 + 0.2, 0.3, 1e-12, "floats add up");
        Check.equal(java.util.List.of(1), java.util.List.of(1), "lists compare by value");
        Check.shape(Setup.manager().zeros(new Shape(2, 3)), new Shape(2, 3), "zeros has the asked shape");
        assertEquals(
                "\u2713 truth holds\n\u2713 floats add up\n\u2713 lists compare by value\n\u2713 zeros has the asked shape\n",
                printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void failedClaimsSayWhatWasExpected() {
        assertEquals(
                "\u2717 one is two",
                assertThrows(CheckFailed.class, () -> Check.that(false, "one is two"))
                        .getMessage());
        assertEquals(
                "\u2717 pi: expected 3.0 \u00b1 0.1, got 3.5",
                assertThrows(CheckFailed.class, () -> Check.close(3.5, 3.0, 0.1, "pi"))
                        .getMessage());
        assertEquals(
                "\u2717 NaN is never close: expected 1.0 \u00b1 0.1, got NaN",
                assertThrows(CheckFailed.class, () -> Check.close(Double.NaN, 1.0, 0.1, "NaN is never close"))
                        .getMessage());
        assertEquals(
                "\u2717 shape: expected shape (3), got (2)",
                assertThrows(
                                CheckFailed.class,
                                () -> Check.shape(Setup.manager().zeros(new Shape(2)), new Shape(3), "shape"))
                        .getMessage());
        assertEquals("", printed());
    }

    @Test
    void skippedChecksAreDeclaredWithTheirCountAndWhy() {
        Check.skipped(3, "no Java 21+ here (install openjdk-21-jdk-headless)");
        Check.skipped(1, "no GPU");
        assertEquals(
                "\u2298 3 checks skipped: no Java 21+ here (install openjdk-21-jdk-headless)\n\u2298 1 check skipped: no GPU\n",
                printed().replace(System.lineSeparator(), "\n"));
        assertThrows(IllegalArgumentException.class, () -> Check.skipped(0, "nothing"));
        assertThrows(IllegalArgumentException.class, () -> Check.skipped(2, " "));
    }

    @Test
    void aClaimMustBeStated() {
        assertThrows(IllegalArgumentException.class, () -> Check.that(true, " "));
        assertThrows(IllegalArgumentException.class, () -> Check.close(1, 1, -1, "negative tolerance"));
    }
}

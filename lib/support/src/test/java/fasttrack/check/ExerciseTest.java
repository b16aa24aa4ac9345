package fasttrack.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExerciseTest {

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

    private static void checkSquare(IntUnaryOperator answer) {
        Exercise.check("01.1", "square a number", () -> Check.equal(answer.applyAsInt(7), 49, "7 squared is 49"));
    }

    @Test
    void aPlaceholderIsReportedAsNotAnsweredWithoutFailing() {
        checkSquare(x -> Exercise.todo());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith(Exercise.OPEN + "Exercise 01.1 not answered yet"), printed);
    }

    @Test
    void aCorrectAnswerIsSolved() {
        checkSquare(x -> x * x);
        assertTrue(out.toString(StandardCharsets.UTF_8)
                .contains(Exercise.SOLVED + "Exercise 01.1 solved: square a number"));
    }

    @Test
    void aWrongAnswerFailsWithWhatTheCheckExpected() {
        var failure = assertThrows(Exercise.ExerciseFailed.class, () -> checkSquare(x -> 2 * x));
        assertTrue(
                failure.getMessage().contains("Exercise 01.1")
                        && failure.getMessage().contains("expected 49, got 14"),
                failure.getMessage());
        assertInstanceOf(CheckFailed.class, failure.getCause());
    }

    @Test
    void anAnswerThatThrowsIsNotSolved() {
        var failure = assertThrows(
                Exercise.ExerciseFailed.class,
                () -> checkSquare(x -> {
                    throw new IllegalStateException("boom");
                }));
        assertTrue(failure.getMessage().endsWith("boom"), failure.getMessage());
    }

    @Test
    void aPlaceholderCalledDeepInsideTheCheckStillCountsAsNotAnswered() {
        Exercise.check("01.2", "wrapped", () -> {
            throw new RuntimeException("wrapper", new Exercise.NotAnswered());
        });
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(Exercise.OPEN));
    }

    @Test
    void anExerciseNeedsAnIdAndATask() {
        assertThrows(IllegalArgumentException.class, () -> Exercise.check(" ", "task", () -> {}));
        assertEquals(
                "exercise 01.3 needs a task: say what solving it proves",
                assertThrows(IllegalArgumentException.class, () -> Exercise.check("01.3", "", () -> {}))
                        .getMessage());
    }
}

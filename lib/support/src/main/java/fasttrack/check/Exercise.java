package fasttrack.check;

import java.util.Objects;

/**
 * Exercises: a task, a cell where the learner writes the answer, and a check the answer must pass.
 *
 * <p>The answer cell starts as a placeholder whose body is {@code return Exercise.todo();}. Until the
 * learner replaces it, {@link #check} reports "not answered yet" instead of failing, so a notebook runs
 * top to bottom before any exercise is done. Once answered, a correct answer prints
 * {@code ★ Exercise id solved: task} and a wrong one fails the cell with what the check expected.
 * The solutions live in {@code notebooks/solutions/}; the notebook tests run each through its check
 * and prove that the check rejects a plausible wrong answer.
 */
public final class Exercise {

    /** The prefix of a solved exercise's line (distinct from {@link Check#PASSED}: not a claim of the run). */
    public static final String SOLVED = "\u2605 ";
    /** The prefix of an exercise that is still a placeholder. */
    public static final String OPEN = "\u25fb ";

    private Exercise() {}

    /** The placeholder's body: {@code return Exercise.todo();} in a method the learner is to write. */
    public static <T> T todo() {
        throw new NotAnswered();
    }

    /**
     * Runs {@code check} against the learner's answer.
     *
     * @param id   the exercise's number, as in the notebook ("09.1")
     * @param task what a solved exercise achieved, in a few words
     */
    public static void check(String id, String task, Runnable check) {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("an exercise needs its id, e.g. \"09.1\"");
        if (task == null || task.isBlank())
            throw new IllegalArgumentException("exercise " + id + " needs a task: say what solving it proves");
        Objects.requireNonNull(check, "check");
        try {
            check.run();
        } catch (Throwable failure) {
            if (notAnswered(failure)) {
                System.out.println(OPEN + "Exercise " + id + " not answered yet (" + task
                        + "): write your answer in the cell above, run it, then run this cell");
                return;
            }
            String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            throw new ExerciseFailed("\u2717 Exercise " + id + " (" + task + ") not solved yet: " + why, failure);
        }
        System.out.println(SOLVED + "Exercise " + id + " solved: " + task);
    }

    private static boolean notAnswered(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotAnswered) return true;
        }
        return false;
    }

    /** Thrown by a placeholder answer; never by a real one. */
    public static final class NotAnswered extends RuntimeException {
        public NotAnswered() {
            super("not answered yet: replace 'return Exercise.todo();' with your answer", null, false, false);
        }
    }

    /** An answer that did not pass its check; the message says what was expected. */
    public static final class ExerciseFailed extends AssertionError {
        ExerciseFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

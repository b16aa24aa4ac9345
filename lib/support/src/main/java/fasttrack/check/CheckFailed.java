package fasttrack.check;

/** A "check yourself" claim that did not hold; the message says what was expected and what came out. */
public final class CheckFailed extends AssertionError {

    CheckFailed(String message) {
        super(message);
    }
}

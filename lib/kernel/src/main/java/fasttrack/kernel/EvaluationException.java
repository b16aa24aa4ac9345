package fasttrack.kernel;

import java.util.List;

/** A cell whose code threw: the user's exception, named by its own class, with the trace of the user's frames. */
final class EvaluationException extends Exception {

    private final String exceptionClass;
    private final List<String> trace;

    EvaluationException(String exceptionClass, String message, List<String> trace) {
        super(message == null ? exceptionClass : exceptionClass + ": " + message);
        this.exceptionClass = exceptionClass;
        this.trace = List.copyOf(trace);
    }

    String exceptionClass() {
        return exceptionClass;
    }

    List<String> trace() {
        return trace;
    }
}

package fasttrack.kernel;

import java.util.List;

/** A cell whose code threw: a headline naming what went wrong, and the trace of the learner's frames. */
final class EvaluationException extends Exception {

    private final String exceptionClass;
    private final List<String> trace;

    /** The usual headline, as Java prints it: "java.lang.IllegalStateException: boom". */
    static EvaluationException thrown(String exceptionClass, String message, List<String> trace) {
        return new EvaluationException(
                exceptionClass, message == null ? exceptionClass : exceptionClass + ": " + message, trace);
    }

    EvaluationException(String exceptionClass, String headline, List<String> trace) {
        super(headline);
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

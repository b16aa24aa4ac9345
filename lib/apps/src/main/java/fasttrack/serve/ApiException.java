package fasttrack.serve;

/**
 * A request the server refuses, with the HTTP status to answer and a message that says what to
 * fix. The server turns it into {@code {"error": {"type": ..., "message": ...}}}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;

    public ApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}

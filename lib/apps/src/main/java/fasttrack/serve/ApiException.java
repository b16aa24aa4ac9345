package fasttrack.serve;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * A request the server refuses, with the HTTP status to answer and a message that says what to
 * fix. The server turns it into OpenAI's error shape, {@code {"error": {"message", "type", "param",
 * "code"}}}, so an OpenAI client raises its own exception for it (by status) with this message:
 * {@code type} is the class of error OpenAI uses for the status, {@code param} the request field at
 * fault (or null), {@code code} what went wrong, for a program to branch on.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public ApiException(int status, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = typeOf(status);
        this.code = code;
        this.param = param;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, null, message);
    }

    /**
     * A 500 for a failure inside the server: the client gets the request's id and no exception text
     * (which can hold paths, names, internals); the log line with that id holds the cause.
     */
    static ApiException serverError(String requestId, Throwable cause) {
        ApiException e = new ApiException(
                500,
                "server_error",
                "the server failed on this request (error id " + requestId + "): "
                        + "the server log's line for that id has the details");
        e.initCause(cause);
        return e;
    }

    /** A 400 for the field {@code param}: its value is not one the server accepts. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_value", param, message);
    }

    /** The error class OpenAI's API gives each status. */
    static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 499 -> "client_closed_request";
            case 503 -> "service_unavailable_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The body of the error response: {@code {"error": {"message", "type", "param", "code"}}}, nulls included as OpenAI sends them. */
    JsonObject body() {
        JsonObject error = new JsonObject();
        error.addProperty("message", getMessage());
        error.addProperty("type", type);
        error.add("param", param == null ? JsonNull.INSTANCE : new JsonPrimitive(param));
        error.add("code", code == null ? JsonNull.INSTANCE : new JsonPrimitive(code));
        JsonObject body = new JsonObject();
        body.add("error", error);
        return body;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}

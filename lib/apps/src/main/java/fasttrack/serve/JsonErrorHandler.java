package fasttrack.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers before any route runs (a request that is not HTTP, headers or a URL too
 * large, a body Jetty refuses) in the same OpenAI error shape as the API's own, instead of Jetty's
 * HTML page, with a message of the server's own rather than Jetty's or an exception's text. Each is
 * logged as one line with its id.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final Map<Integer, String> MESSAGES = Map.of(
            400, "the request is not valid HTTP/1.1: check the request line and headers",
            408, "the request did not arrive in time: send it without pauses",
            413, "the request is too large",
            414, "the URL is too long",
            431, "the request's headers are too large: send fewer or shorter headers",
            500, "the server failed on this request");

    private final RequestLog log;

    JsonErrorHandler(RequestLog log) {
        this.log = log;
    }

    private ApiException error(int status) {
        return new ApiException(
                status,
                "http_" + status,
                MESSAGES.getOrDefault(status, "the request could not be handled (HTTP " + status + ")"));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        long started = System.nanoTime();
        Map<String, Object> line =
                log.open(request.getMethod(), request.getHttpURI().getPath());
        ApiException e = error(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Request-Id", (String) line.get("request_id"));
        log.close(line, code, e, started);
        response.write(true, ByteBuffer.wrap(e.body().toString().getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** A message Jetty's parser rejects before there is a request at all. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        long started = System.nanoTime();
        Map<String, Object> line = log.open("?", "?");
        ApiException e = error(status);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("X-Request-Id", (String) line.get("request_id"));
        log.close(line, status, e, started);
        return ByteBuffer.wrap(e.body().toString().getBytes(StandardCharsets.UTF_8));
    }
}

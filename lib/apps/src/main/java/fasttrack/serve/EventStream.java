package fasttrack.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response of server-sent events: {@code data: JSON} and a blank line per event, each flushed as it
 * is written so the client sees it at once, ended by {@code data: [DONE]}, which also completes the
 * response (so a drain that stops Jetty after the handlers return cuts no stream short). A write that
 * fails means the client has gone: it throws {@link IOException}.
 */
final class EventStream {

    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().create();

    private final OutputStream out;

    EventStream(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        this.out = response.getOutputStream();
    }

    void send(Object data) throws IOException {
        write(data instanceof com.google.gson.JsonElement e ? e.toString() : JSON.toJson(data));
    }

    void done() throws IOException {
        write("[DONE]");
        out.close();
    }

    private void write(String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

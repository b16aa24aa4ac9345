package fasttrack.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small client for {@link CompletionServer} on Java's own HttpClient: raw calls (for looking at
 * status codes and headers), completions, and streamed completions read event by event.
 */
public final class CompletionClient {

    /** A raw answer: status, body and headers. */
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        /** The error message of a refusal, or null. */
        public String errorMessage() {
            try {
                JsonObject json = json();
                return json.has("error")
                        ? json.getAsJsonObject("error").get("message").getAsString()
                        : null;
            } catch (RuntimeException notJson) {
                return null;
            }
        }
    }

    /** A finished completion and how long the request took. */
    public record Completion(String text, int tokens, double seconds) {}

    /** A streamed completion: each token and the seconds after the request at which it arrived. */
    public record Streamed(List<String> tokens, List<Double> arrivals, String finishReason) {
        public String text() {
            return String.join("", tokens);
        }
    }

    private final URI base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** @param key the API key, or null to send none */
    public CompletionClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** The JSON body of a completion request. */
    public static String body(String prompt, int maxTokens, double temperature, long seed, boolean stream) {
        JsonObject json = new JsonObject();
        json.addProperty("prompt", prompt);
        json.addProperty("max_tokens", maxTokens);
        json.addProperty("temperature", temperature);
        json.addProperty("seed", seed);
        json.addProperty("stream", stream);
        return json.toString();
    }

    public Response post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                request(path)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    /** A GET that accepts JSON: {@code get("metrics")} is the metrics as one JSON object, where Prometheus gets its text format. */
    public Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                request(path).GET().header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    /** A whole completion; a refusal throws with the server's message. */
    public Completion complete(String prompt, int maxTokens, double temperature, long seed)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Response r = post("v1/completions", body(prompt, maxTokens, temperature, seed, false));
        double seconds = (System.nanoTime() - started) / 1e9;
        if (r.status() != 200) throw new IllegalStateException("HTTP " + r.status() + ": " + r.errorMessage());
        JsonObject json = r.json();
        return new Completion(
                json.get("text").getAsString(),
                json.getAsJsonObject("usage").get("completion_tokens").getAsInt(),
                seconds);
    }

    /** A streamed completion, read as server-sent events while they arrive. */
    public Streamed stream(String prompt, int maxTokens, double temperature, long seed)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> r = http.send(
                request("v1/completions")
                        .POST(HttpRequest.BodyPublishers.ofString(body(prompt, maxTokens, temperature, seed, true)))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            String body = String.join("\n", r.body().toList());
            throw new IllegalStateException(
                    "HTTP " + r.statusCode() + ": " + new Response(r.statusCode(), body, Map.of()).errorMessage());
        }
        List<String> tokens = new ArrayList<>();
        List<Double> arrivals = new ArrayList<>();
        String finish = null;
        for (Iterator<String> lines = r.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (!line.startsWith("data: ")) continue;
            String data = line.substring(6);
            if (data.equals("[DONE]")) break;
            JsonObject event = JsonParser.parseString(data).getAsJsonObject();
            if (event.has("error"))
                throw new IllegalStateException(
                        event.getAsJsonObject("error").get("message").getAsString());
            if (event.has("token")) {
                tokens.add(event.get("token").getAsString());
                arrivals.add((System.nanoTime() - started) / 1e9);
            }
            if (event.has("finish_reason")) finish = event.get("finish_reason").getAsString();
        }
        return new Streamed(tokens, arrivals, finish);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CompletionClient(%s, %s)", base, key == null ? "no key" : "a key");
    }
}

package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.CHAT_TOKENIZER;
import static fasttrack.serve.ServeFixtures.KEY;
import static fasttrack.serve.ServeFixtures.errorMessage;
import static fasttrack.serve.ServeFixtures.events;
import static fasttrack.serve.ServeFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fasttrack.align.ChatTemplate;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /v1/chat/completions} on the wire: the answer object and the chunk stream in OpenAI's
 * shapes, stop sequences (found across tokens, never returned), the token limits against the
 * context, and every refusal as OpenAI's error object naming the field at fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatCompletionsApiTest {

    private static final int MAX_TOKENS = 40;
    private static final String QUESTION = "And the earth?";

    private NDManager nd;
    private Gpt model;
    private CompletionServer server;

    @BeforeAll
    void start() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.chatModel(nd, 43);
        server = CompletionServer.start(
                model, CHAT_TOKENIZER, ServeFixtures.config(ApiKeys.of(KEY), 4096, MAX_TOKENS), 0, line -> {});
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        nd.close();
    }

    private HttpResponse<String> chat(String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(server.uri().resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return ServeFixtures.http().send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** A chat body with {@code extra} fields (JSON members, may be empty) after the model and one user message. */
    private String body(String extra) {
        return "{\"model\": \"" + server.modelName() + "\", \"messages\": [{\"role\": \"user\", \"content\": \""
                + QUESTION + "\"}]" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    @Test
    void anAnswerAndItsStreamHaveOpenAisShapes() throws Exception {
        String greedy = ServeFixtures.greedyChat(model, ChatTemplate.prompt(QUESTION), 12, ChatTemplate.STOP);
        HttpResponse<String> plain = chat(body("\"max_tokens\": 12, \"temperature\": 0"));
        assertEquals(200, plain.statusCode(), plain.body());
        JsonObject o = json(plain.body());
        assertEquals("chat.completion", o.get("object").getAsString());
        assertTrue(o.get("id").getAsString().startsWith("chatcmpl-"));
        assertTrue(o.get("created").getAsLong() > 1_700_000_000L, "created is a Unix time in seconds");
        JsonArray choices = o.getAsJsonArray("choices");
        assertEquals(1, choices.size());
        JsonObject choice = choices.get(0).getAsJsonObject();
        assertEquals(0, choice.get("index").getAsInt());
        assertEquals("assistant", choice.getAsJsonObject("message").get("role").getAsString());
        assertEquals(greedy, choice.getAsJsonObject("message").get("content").getAsString());
        assertEquals(
                greedy.length() < 12 ? "stop" : "length",
                choice.get("finish_reason").getAsString());

        HttpResponse<String> streamed = chat(body("\"max_tokens\": 12, \"temperature\": 0, \"stream\": true"));
        assertTrue(streamed.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = events(streamed.body());
        assertEquals("[DONE]", events.get(events.size() - 1));
        JsonObject first = json(events.get(0));
        assertEquals("chat.completion.chunk", first.get("object").getAsString());
        assertEquals(
                "assistant",
                first.getAsJsonArray("choices")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonObject("delta")
                        .get("role")
                        .getAsString(),
                "the first chunk names the role");
        StringBuilder text = new StringBuilder();
        String id = first.get("id").getAsString(), finish = null;
        for (String e : events.subList(1, events.size() - 1)) {
            JsonObject chunk = json(e);
            assertEquals(id, chunk.get("id").getAsString(), "every chunk names the same completion");
            assertFalse(chunk.has("usage"), "no usage unless stream_options.include_usage: " + e);
            JsonObject c = chunk.getAsJsonArray("choices").get(0).getAsJsonObject();
            if (c.getAsJsonObject("delta").has("content"))
                text.append(c.getAsJsonObject("delta").get("content").getAsString());
            if (c.has("finish_reason")) finish = c.get("finish_reason").getAsString();
        }
        assertEquals(greedy, text.toString());
        assertEquals(choice.get("finish_reason").getAsString(), finish);

        List<String> withUsage = events(chat(body(
                        "\"max_tokens\": 12, \"temperature\": 0, \"stream\": true, \"stream_options\": {\"include_usage\": true}"))
                .body());
        JsonObject usageChunk = json(withUsage.get(withUsage.size() - 2));
        assertEquals(0, usageChunk.getAsJsonArray("choices").size(), "the usage chunk has no choices");
        assertEquals(o.getAsJsonObject("usage"), usageChunk.getAsJsonObject("usage"));
    }

    @Test
    void aStopSequenceEndsTheAnswerAndIsNotReturnedEvenAcrossTokens() throws Exception {
        String prompt = ChatTemplate.prompt(QUESTION);
        String free = ServeFixtures.greedyChat(model, prompt, 30, ChatTemplate.STOP);
        assertTrue(free.length() >= 8, "the seed's greedy answer is long enough to cut: '" + free + "'");
        String stop = free.substring(4, 7); // three characters, so three tokens: a stop sequence spread over tokens
        String expected = free.substring(0, free.indexOf(stop));
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> r = chat(body("\"temperature\": 0, \"max_tokens\": 30, \"stop\": [\"zzz\", \"" + stop
                    + "\"], \"stream\": " + stream));
            assertEquals(200, r.statusCode(), r.body());
            String text;
            String finish;
            if (stream) {
                StringBuilder joined = new StringBuilder();
                finish = null;
                for (String e : events(r.body())) {
                    if (e.equals("[DONE]")) continue;
                    JsonObject c = json(e).getAsJsonArray("choices").get(0).getAsJsonObject();
                    if (c.getAsJsonObject("delta").has("content"))
                        joined.append(c.getAsJsonObject("delta").get("content").getAsString());
                    if (c.has("finish_reason")) finish = c.get("finish_reason").getAsString();
                }
                text = joined.toString();
            } else {
                JsonObject c = json(r.body()).getAsJsonArray("choices").get(0).getAsJsonObject();
                text = c.getAsJsonObject("message").get("content").getAsString();
                finish = c.get("finish_reason").getAsString();
                assertEquals(
                        expected.length() + stop.length(),
                        json(r.body())
                                .getAsJsonObject("usage")
                                .get("completion_tokens")
                                .getAsInt(),
                        "the stop sequence's tokens were generated, so they count");
            }
            assertEquals(expected, text, "stream " + stream + ": the text before the stop sequence '" + stop + "'");
            assertEquals("stop", finish);
        }
    }

    @Test
    void theAnswerFillsTheContextByDefaultAndALimitThatDoesNotFitIsRefused() throws Exception {
        // 120 characters of conversation leave 8 tokens of the context of 128: an unlimited request gets at most those.
        String longQuestion =
                "and the earth was without form and void and darkness was upon the face of the deep and God created the heaven and the earth"
                        .substring(0, 120 - 7);
        String body = "{\"model\": \"" + server.modelName() + "\", \"messages\": [{\"role\": \"user\", \"content\": \""
                + longQuestion + "\"}], \"temperature\": 0}";
        HttpResponse<String> r = chat(body);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject usage = json(r.body()).getAsJsonObject("usage");
        assertEquals(120, usage.get("prompt_tokens").getAsInt());
        assertTrue(usage.get("completion_tokens").getAsInt() <= 8, usage.toString());
        String refused = errorMessage(chat(body.replace("\"temperature\": 0", "\"max_completion_tokens\": 9")), 400);
        assertTrue(refused.contains("context of 128") && refused.contains("ask for at most 8 tokens"), refused);
        assertEquals(
                "context_length_exceeded",
                json(chat(body.replace("\"temperature\": 0", "\"max_completion_tokens\": 9"))
                                .body())
                        .getAsJsonObject("error")
                        .get("code")
                        .getAsString());
    }

    @Test
    void badChatRequestsAreRefusedNamingTheFieldAtFault() throws Exception {
        String named = "\"model\": \"" + server.modelName() + "\"";
        Map<String, Object[]> cases = new LinkedHashMap<>(); // body -> status, param, pieces of the message
        cases.put(body("\"n\": 2"), new Object[] {400, "n", "'n' must be 1"});
        cases.put(body("\"tools\": []"), new Object[] {400, "tools", "'tools' is not supported"});
        cases.put(body("\"presence_penalty\": 0.5"), new Object[] {400, "presence_penalty", "can only be 0"});
        cases.put(body("\"temprature\": 1"), new Object[] {400, "temprature", "unknown field 'temprature'"});
        cases.put(
                body("\"max_tokens\": 5, \"max_completion_tokens\": 5"), new Object[] {400, "max_tokens", "not both"});
        cases.put(
                body("\"max_completion_tokens\": " + (MAX_TOKENS + 1)),
                new Object[] {400, "max_completion_tokens", "between 1 and " + MAX_TOKENS});
        cases.put(body("\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]"), new Object[] {400, "stop", "up to 4"});
        cases.put(body("\"stop\": \"\""), new Object[] {400, "stop", "cannot be empty"});
        cases.put(
                body("\"stream_options\": {\"include_usage\": true}"),
                new Object[] {400, "stream_options", "only with \"stream\": true"});
        cases.put(
                body("\"seed\": 9223372036854775808"),
                new Object[] {400, "seed", "between -9223372036854775808 and 9223372036854775807"});
        cases.put(
                "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}",
                new Object[] {404, "model", "'gpt-4o' does not exist", server.modelName()});
        cases.put(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}",
                new Object[] {400, "model", "'model' is required"});
        cases.put("{" + named + "}", new Object[] {400, "messages", "'messages' is required"});
        cases.put("{" + named + ", \"messages\": []}", new Object[] {400, "messages", "'messages' is required"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"tool\", \"content\": \"a\"}]}",
                new Object[] {400, "messages[0].role", "cannot call tools"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"robot\", \"content\": \"a\"}]}",
                new Object[] {400, "messages[0].role", "'robot'"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"assistant\", \"content\": \"a\"}]}",
                new Object[] {400, "messages[0].role", "answers no question"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"system\", \"content\": \"a\"}]}",
                new Object[] {400, "messages", "no user message"});
        cases.put(
                "{" + named
                        + ", \"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"system\", \"content\": \"b\"}]}",
                new Object[] {400, "messages[1].role", "must come before"});
        cases.put(
                "{" + named
                        + ", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}",
                new Object[] {400, "messages[0].content[0]", "text only"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"user\", \"content\": \"Zion\"}]}",
                new Object[] {400, "messages[0].content", "character the model does not know", "'Z'", "position 0"});
        cases.put(
                "{" + named + ", \"messages\": [{\"role\": \"user\", \"content\": \"a\", \"tool_calls\": []}]}",
                new Object[] {400, "tool_calls", "unknown field 'tool_calls'"});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            HttpResponse<String> r = chat(c.getKey());
            Object[] expected = c.getValue();
            String message = errorMessage(r, (Integer) expected[0]);
            JsonObject error = json(r.body()).getAsJsonObject("error");
            assertEquals(expected[1], error.get("param").getAsString(), "param of " + c.getKey() + ": " + r.body());
            for (int i = 2; i < expected.length; i++)
                assertTrue(
                        message.contains((String) expected[i]),
                        c.getKey() + ": '" + message + "' lacks '" + expected[i] + "'");
        }
        // Content as a list of text parts, an answer to continue, null for an unset option: all accepted.
        HttpResponse<String> parts = chat(
                "{" + named
                        + ", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"And \"}, "
                        + "{\"type\": \"text\", \"text\": \"the earth?\"}]}], \"temperature\": 0, \"max_tokens\": 6, \"seed\": null}");
        assertEquals(
                json(chat(body("\"temperature\": 0, \"max_tokens\": 6")).body()).getAsJsonArray("choices"),
                json(parts.body()).getAsJsonArray("choices"),
                "text parts are joined into the one question");
        HttpResponse<String> continued =
                chat("{" + named + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + QUESTION + "\"}, "
                        + "{\"role\": \"assistant\", \"content\": \"And\"}], \"temperature\": 0, \"max_tokens\": 6}");
        assertEquals(
                ServeFixtures.greedyChat(model, ChatTemplate.prompt(QUESTION) + "And", 6, ChatTemplate.STOP),
                json(continued.body())
                        .getAsJsonArray("choices")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonObject("message")
                        .get("content")
                        .getAsString(),
                "a conversation that ends with an answer is continued");
    }
}

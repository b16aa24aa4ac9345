package fasttrack.serve;

import static fasttrack.serve.ServeFixtures.CHAT_TOKENIZER;
import static fasttrack.serve.ServeFixtures.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import fasttrack.align.ChatTemplate;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat API through clients no one here wrote: OpenAI's official Java SDK and LangChain4j's
 * OpenAI models, each configured only with the server's address, a key and the model's id, each doing
 * a plain and a streamed chat. What they get back is checked against greedy decoding of notebook 17's
 * template computed here, so the clients prove both the wire format and the answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiClientsTest {

    private static final String QUESTION = "And God created the heaven?";
    private static final int MAX_TOKENS = 24;

    private NDManager nd;
    private Gpt model;
    private CompletionServer server;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() {
        nd = Setup.manager().newSubManager();
        model = ServeFixtures.chatModel(nd, 41);
        server = CompletionServer.start(
                model, CHAT_TOKENIZER, ServeFixtures.config(ApiKeys.of(KEY), 16 * 1024, 48), 0, logLines::add);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        nd.close();
    }

    /** What a greedy answer to {@code transcript} must be: its text, finish reason and token count. */
    private record Expected(String text, String finishReason, int completionTokens) {}

    private Expected greedyAnswer(String transcript, int maxTokens) {
        String all = ServeFixtures.greedyChat(model, transcript, maxTokens);
        int stop = all.indexOf(ChatTemplate.STOP);
        assertTrue(
                stop < 0 || stop >= 3,
                "the seed gives an answer of a few characters at least, so the clients have something to carry: '" + all
                        + "'");
        return stop >= 0
                ? new Expected(all.substring(0, stop), "stop", stop + 1)
                : new Expected(all, "length", maxTokens);
    }

    private OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.uri() + "v1")
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private ChatCompletionCreateParams.Builder greedy() {
        return ChatCompletionCreateParams.builder()
                .model(server.modelName())
                .addUserMessage(QUESTION)
                .maxCompletionTokens(MAX_TOKENS)
                .temperature(0.0);
    }

    @Test
    void theOpenAiSdkChatsPlainAndStreamed() {
        Expected expected = greedyAnswer(ChatTemplate.prompt(QUESTION), MAX_TOKENS);
        OpenAIClient client = openAi(KEY);

        ChatCompletion completion = client.chat().completions().create(greedy().build());
        assertEquals(1, completion.choices().size());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(
                expected.text(),
                choice.message().content().orElseThrow(),
                "the answer is greedy decoding of the template's prompt");
        assertEquals(expected.finishReason(), choice.finishReason().asString());
        assertEquals(server.modelName(), completion.model());
        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
        var usage = completion.usage().orElseThrow();
        assertEquals(
                ChatTemplate.prompt(QUESTION).length(),
                usage.promptTokens(),
                "one token per character of 'Q: …\\nA: '");
        assertEquals(expected.completionTokens(), usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());

        StringBuilder streamed = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        List<Long> usages = new ArrayList<>();
        ChatCompletionCreateParams streaming = greedy().streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(streaming)) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(streamed::append);
                    c.finishReason().ifPresent(r -> finishReasons.add(r.asString()));
                });
                chunk.usage().ifPresent(u -> usages.add(u.completionTokens()));
            });
        }
        assertEquals(expected.text(), streamed.toString(), "the streamed deltas make the same answer");
        assertEquals(List.of(expected.finishReason()), finishReasons, "one chunk carries the finish reason");
        assertEquals(List.of((long) expected.completionTokens()), usages, "include_usage: a last chunk with the usage");
    }

    @Test
    void theOpenAiSdkSendsAConversationWithSamplingParametersAndGetsRefusalsAsItsExceptions() {
        OpenAIClient client = openAi(KEY);
        // A conversation onto the template: the system line, a question answered, the question to answer.
        String transcript = "In the beginning\n" + ChatTemplate.prompt("And the earth?") + "without form"
                + ChatTemplate.STOP + ChatTemplate.prompt(QUESTION);
        Expected expected = greedyAnswer(transcript, 16);
        ChatCompletion multi = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(server.modelName())
                        .addSystemMessage("In the beginning")
                        .addUserMessage("And the earth?")
                        .addAssistantMessage("without form")
                        .addUserMessage(QUESTION)
                        .maxCompletionTokens(16)
                        .temperature(0.0)
                        .build());
        assertEquals(expected.text(), multi.choices().get(0).message().content().orElseThrow());
        assertEquals(transcript.length(), multi.usage().orElseThrow().promptTokens());

        // Sampled with a seed: the same seed gives the same answer, plain or streamed.
        ChatCompletionCreateParams sampled = ChatCompletionCreateParams.builder()
                .model(server.modelName())
                .addUserMessage(QUESTION)
                .maxCompletionTokens(20)
                .temperature(1.2)
                .topP(0.9)
                .seed(7)
                .stop("the")
                .build();
        String plain = client.chat()
                .completions()
                .create(sampled)
                .choices()
                .get(0)
                .message()
                .content()
                .orElseThrow();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(sampled)) {
            stream.stream()
                    .forEach(chunk ->
                            chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertEquals(plain, streamed.toString());
        assertTrue(
                !plain.contains("the") && !plain.contains("\n"),
                "a stop sequence never appears in the answer: '" + plain + "'");

        NotFoundException wrongModel = assertThrows(
                NotFoundException.class,
                () -> client.chat()
                        .completions()
                        .create(greedy().model("gpt-4o").build()));
        assertTrue(wrongModel.getMessage().contains(server.modelName()), wrongModel.getMessage());
        BadRequestException twoChoices = assertThrows(
                BadRequestException.class,
                () -> client.chat().completions().create(greedy().n(2).build()));
        assertTrue(twoChoices.getMessage().contains("'n' must be 1"), twoChoices.getMessage());
        assertEquals("n", twoChoices.param().orElseThrow());
        assertThrows(
                UnauthorizedException.class,
                () -> openAi("wrong-key-0000000000000000").chat().completions().create(greedy().build()));
        assertEquals(
                List.of(server.modelName()),
                client.models().list().data().stream().map(m -> m.id()).toList(),
                "GET /v1/models lists the one model");
    }

    @Test
    void langChain4jChatsPlainAndStreamed() throws Exception {
        String system = "In the beginning";
        Expected expected = greedyAnswer(system + ChatTemplate.STOP + ChatTemplate.prompt(QUESTION), MAX_TOKENS);
        OpenAiChatModel chat = OpenAiChatModel.builder()
                .baseUrl(server.uri() + "v1")
                .apiKey(KEY)
                .modelName(server.modelName())
                .temperature(0.0)
                .maxCompletionTokens(MAX_TOKENS)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
        ChatResponse response = chat.chat(SystemMessage.from(system), UserMessage.from(QUESTION));
        assertEquals(expected.text(), response.aiMessage().text());
        assertEquals(
                expected.finishReason().equals("stop") ? FinishReason.STOP : FinishReason.LENGTH,
                response.finishReason());
        assertEquals(expected.completionTokens(), response.tokenUsage().outputTokenCount());
        assertEquals(server.modelName(), response.modelName());

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                .baseUrl(server.uri() + "v1")
                .apiKey(KEY)
                .modelName(server.modelName())
                .temperature(0.0)
                .maxCompletionTokens(MAX_TOKENS)
                .timeout(Duration.ofSeconds(30))
                .build();
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(
                List.of(SystemMessage.from(system), UserMessage.from(QUESTION)), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        partials.add(partial);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse complete) {
                        done.complete(complete);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse complete = done.get(30, TimeUnit.SECONDS);
        assertEquals(expected.text(), String.join("", partials), "the partial responses make the answer");
        assertEquals(expected.text(), complete.aiMessage().text());
        assertEquals(response.finishReason(), complete.finishReason());
        assertTrue(partials.size() > 1 || expected.text().length() <= 1, "streamed in pieces: " + partials);
    }
}

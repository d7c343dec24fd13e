package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SdkStreams;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} end to end: the real server, an in-process fake upstream, and the official Anthropic SDK
 * as the strict client ({@code validate()} on every event, no retries).
 */
class MessagesEndpointTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage("Run the tests").build();
    }

    static Message streamed(MessageCreateParams params) {
        return SdkStreams.streamed(client, params);
    }

    static String chunk(String delta) {
        return "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}";
    }

    static String finish(String reason) {
        return "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    static String usage(int prompt, int completion) {
        return "{\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
                + completion + "}}";
    }

    /**
     * A model of 400 KB, passed on by the family route, is named cut in {@code X-CCRouter-Provider}: whole, the
     * header is more than clients read (this one stops at 384 KB, Node's at 16 KB) and the answer never arrives.
     */
    @Test
    void aModelOfFourHundredKilobytesIsNamedCutInTheProviderHeader() throws Exception {
        upstream.answer(FakeUpstream.json(404, "{\"error\":{\"code\":404,\"message\":\"No such model\"}}"));
        String model = "long-model-" + "x".repeat(400_000);
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String named = ("openrouter," + model).substring(0, AccessLog.MAX_FIELD_CHARS) + "...";

        HttpResponse<String> answer = SseCapture.post(gateway.baseUrl() + "/v1/messages", body, "x-api-key", "sk-test");
        HttpResponse<String> count = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens", body,
                "x-api-key", "sk-test");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("X-CCRouter-Provider")).hasValue(named);
        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(count.headers().firstValue("X-CCRouter-Provider")).hasValue(named);
    }

    @Test
    void textStreamArrivesAsAnthropicEvents() {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}"),
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}",
                usage(12, 2), "[DONE]"));

        Message message = streamed(params("claude-sonnet-5"));

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("Hello");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-5");
        assertThat(message.usage().inputTokens()).isEqualTo(12);
        assertThat(message.usage().outputTokens()).isEqualTo(2);
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer sk-test");
    }

    @Test
    void oneToolCallBecomesAToolUseBlockWithParsedInput() {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"Running them.\"}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"command\\\":\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"mvn test\\\"}\"}}]}"),
                finish("tool_calls"), usage(50, 20), "[DONE]"));

        Message message = streamed(params("claude-opus-4-8"));

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).asText().text()).isEqualTo("Running them.");
        var toolUse = message.content().get(1).asToolUse();
        assertThat(toolUse.id()).isEqualTo("call_1");
        assertThat(toolUse.name()).isEqualTo("Bash");
        assertThat(toolUse._input()).isEqualTo(JsonValue.from(Map.of("command", "mvn test")));
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("anthropic/claude-opus-4.6");
    }

    @Test
    void interleavedParallelToolCallsStayApart() {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"file_path\\\":\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"/a.txt\\\"}\"}}]}"),
                chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"), usage(10, 10), "[DONE]"));

        Message message = streamed(params("claude-sonnet-5"));

        assertThat(message.content()).extracting(ContentBlock::isToolUse).containsExactly(true, true);
        assertThat(message.content().get(0).asToolUse().id()).isEqualTo("call_a");
        assertThat(message.content().get(0).asToolUse()._input()).isEqualTo(JsonValue.from(Map.of("file_path", "/a.txt")));
        assertThat(message.content().get(1).asToolUse().id()).isEqualTo("call_b");
        assertThat(message.content().get(1).asToolUse()._input()).isEqualTo(JsonValue.from(Map.of("command", "ls")));
    }

    @Test
    void reasoningWithLateSignatureBecomesASignedThinkingBlockBeforeTheText() {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"reasoning\":\"Let me think.\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Let me think.\",\"format\":\"anthropic-claude-v1\",\"index\":0}]}"),
                chunk("{\"content\":\"The answer\"}"),
                chunk("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"\",\"signature\":\"sig-123\",\"format\":\"anthropic-claude-v1\",\"index\":0}]}"),
                chunk("{\"content\":\" is 42.\"}"),
                finish("stop"), usage(30, 12), "[DONE]"));

        Message message = streamed(params("claude-haiku-4-5-20251001"));

        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("Let me think.");
        assertThat(message.content().get(0).asThinking().signature()).isEqualTo("sig-123");
        assertThat(message.content().get(1).asText().text()).isEqualTo("The answer is 42.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("anthropic/claude-haiku-4.5");
    }

    /**
     * An upstream that runs on past the client's stop sequence (OpenAI's reasoning models refuse {@code stop}, and
     * the gateway then leaves it out): the answer ends where the sequence is complete, as Anthropic's does. Claude
     * Code's auto-mode check (later versions) allows a tool call only on exactly {@code <block>no}.
     */
    @Test
    void aStopSequenceTheUpstreamWroteOnPastEndsTheStreamedAnswer() {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"<block>no</bl\"}"),
                chunk("{\"content\":\"ock>\\n<reason>The command only reads.</reason>\"}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls"), usage(40, 30), "[DONE]"));

        Message message = streamed(classifierParams());

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("<block>no");
        assertThat(message.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(message.stopSequence()).contains("</block>");
        assertThat(message.usage().outputTokens()).isEqualTo(30);
    }

    @Test
    void aStopSequenceTheUpstreamWroteOnPastEndsTheWholeAnswer() {
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-3","object":"chat.completion","choices":[{"index":0,"finish_reason":"length",
                 "message":{"role":"assistant","content":"<block>no</block>\\n<reason>The command only"}}],
                 "usage":{"prompt_tokens":40,"completion_tokens":64}}"""));

        Message message = client.messages().create(classifierParams());
        message.validate();

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("<block>no");
        assertThat(message.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(message.stopSequence()).contains("</block>");
    }

    /** Claude Code's auto-mode check: a short answer that must stop at {@code </block>}. */
    private static MessageCreateParams classifierParams() {
        return MessageCreateParams.builder().model("claude-sonnet-5").maxTokens(64).addStopSequence("</block>")
                .addUserMessage("Should this tool call be blocked? Answer <block>yes</block> or <block>no</block>.")
                .build();
    }

    /** A content filter's stop is Anthropic's refusal, with the details the SDK reads: a refusal, of no known category. */
    @Test
    void aContentFiltersStopIsARefusalWithItsDetailsStreamedAndWhole() {
        upstream.answer(FakeUpstream.sse(chunk("{\"role\":\"assistant\",\"content\":\"I can\"}"),
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}"));
        Message fromStream = streamed(params("claude-sonnet-5"));
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-2","object":"chat.completion","choices":[{"index":0,"finish_reason":"content_filter",
                 "message":{"role":"assistant","content":"I can"}}],"usage":{"prompt_tokens":12,"completion_tokens":2}}"""));
        Message whole = client.messages().create(params("claude-sonnet-5"));

        for (Message message : List.of(fromStream, whole)) {
            message.validate();
            assertThat(message.stopReason()).contains(StopReason.REFUSAL);
            assertThat(message.stopDetails()).hasValueSatisfying(details -> {
                assertThat(details._type()).isEqualTo(JsonValue.from("refusal"));
                assertThat(details.category()).isEmpty();
                assertThat(details.explanation()).isEmpty();
            });
        }
    }

    @Test
    void nonStreamingAnswerIsOneMessage() {
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-2","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls",
                 "message":{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_9","type":"function",
                 "function":{"name":"Glob","arguments":"{\\"pattern\\":\\"**/*.java\\"}"}}]}}],
                 "usage":{"prompt_tokens":120,"completion_tokens":15,"prompt_tokens_details":{"cached_tokens":100}}}"""));

        Message message = client.messages().create(params("claude-sonnet-5"));
        message.validate();

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.content().get(0).asText().text()).isEqualTo("Let me look.");
        assertThat(message.content().get(1).asToolUse()._input()).isEqualTo(JsonValue.from(Map.of("pattern", "**/*.java")));
        assertThat(message.usage().inputTokens()).isEqualTo(20);
        assertThat(message.usage().cacheReadInputTokens()).contains(100L);
        assertThat(message.usage().outputTokens()).isEqualTo(15);
        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-5");
    }

    @Test
    void rateLimitKeepsStatusMessageAndRetryAfter() {
        upstream.answer(FakeUpstream.json(429,
                "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded: free-models-per-min\"}}", "Retry-After", "7"));

        assertThatThrownBy(() -> streamed(params("claude-sonnet-5")))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("7");
                    assertThat(e.getMessage()).contains("rate_limit_error").contains("Rate limit exceeded: free-models-per-min");
                });
    }

    @Test
    void upstreamServerErrorIsAnApiError() {
        upstream.answer(FakeUpstream.json(500, "{\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}}"));

        assertThatThrownBy(() -> client.messages().create(params("claude-sonnet-5")))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.getMessage()).contains("api_error").contains("Internal Server Error");
                });
    }

    @Test
    void upstreamOverloadIs529() {
        upstream.answer(FakeUpstream.json(503,
                "{\"error\":{\"code\":503,\"message\":\"No instances available\",\"metadata\":{\"error_type\":\"provider_overloaded\"}}}"));

        assertThatThrownBy(() -> client.messages().create(params("claude-sonnet-5")))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(529);
                    assertThat(e.getMessage()).contains("overloaded_error").contains("No instances available");
                });
    }

    /**
     * OpenRouter wraps a provider's refusal as "Provider returned error" with the provider's own body in
     * {@code metadata.raw}: Anthropic's context overflow must reach Claude Code in Anthropic's words, or it never
     * compacts and every later turn fails the same way.
     */
    @Test
    void providerErrorWrappedByOpenRouterReachesTheClientInTheProvidersWords() {
        upstream.answer(FakeUpstream.json(400, "{\"error\":{\"message\":\"Provider returned error\",\"code\":400,"
                + "\"metadata\":{\"raw\":\"{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":"
                + "\\\"invalid_request_error\\\",\\\"message\\\":\\\"prompt is too long: 208310 tokens > 200000 "
                + "maximum\\\"}}\",\"provider_name\":\"Anthropic\"}}}"));

        assertThatThrownBy(() -> streamed(params("claude-sonnet-5")))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("invalid_request_error")
                            .contains("prompt is too long: 208310 tokens > 200000 maximum")
                            .doesNotContain("Provider returned error");
                });
    }

    @Test
    void midStreamErrorEndsWithAnErrorEventAndNoMessageStop() throws Exception {
        upstream.answer(FakeUpstream.sse(
                chunk("{\"content\":\"Partial\"}"),
                "{\"error\":{\"code\":502,\"message\":\"Provider disconnected\",\"metadata\":{\"error_type\":\"provider_unavailable\"}},"
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}"));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", streamingBody(), "x-api-key", "sk-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SseCapture.eventNames(response.body())).containsExactly(
                "message_start", "content_block_start", "content_block_delta", "error");
        assertThat(JSON.readTree(SseCapture.frames(response.body()).getLast().data()).path("error").path("type").asText())
                .isEqualTo("overloaded_error");
        assertThatThrownBy(() -> streamed(params("claude-sonnet-5"))).hasMessageContaining("Provider disconnected");
    }

    @Test
    void streamThatEndsWithoutFinishingIsAnErrorNotAnEndTurn() throws Exception {
        upstream.answer(FakeUpstream.sse(chunk("{\"content\":\"Half an ans\"}")));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", streamingBody(), "x-api-key", "sk-test");

        List<SseCapture.Frame> frames = SseCapture.frames(response.body());
        assertThat(frames.getLast().event()).isEqualTo("error");
        assertThat(JSON.readTree(frames.getLast().data()).path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(SseCapture.eventNames(response.body())).doesNotContain("message_delta", "message_stop");
    }

    static String streamingBody() {
        return "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}

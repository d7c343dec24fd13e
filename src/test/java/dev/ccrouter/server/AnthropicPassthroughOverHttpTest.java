package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SdkStreams;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider that speaks Anthropic's protocol (preset {@code anthropic}) gets the client's request as it is, its model
 * set, with the provider's key; its answer reaches the client unchanged, stream and whole, but for the model it names
 * (the client's, which Claude Code matches before it sends earlier thinking back), and is billed from its usage.
 */
class AnthropicPassthroughOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An Anthropic stream as the API writes it, ping included. */
    private static final String UPSTREAM_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_up_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}

            event: message_stop
            data: {"type":"message_stop"}

            """;
    private static final String UPSTREAM_MESSAGE = """
            {"id":"msg_up_2","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
            "content":[{"type":"text","text":"Hi there"}],"stop_reason":"end_turn","stop_sequence":null,\
            "usage":{"input_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":500,"output_tokens":4}}""";
    /** What the client receives: the upstream's stream, its message naming the model the client asked for. */
    private static final String RELAYED_STREAM = askedModel(UPSTREAM_STREAM);
    private static final String REQUEST = """
            {"model":"claude,claude-sonnet-4-5","max_tokens":256,"stream":%s,\
            "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral","ttl":"1h"}}],\
            "messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}],"metadata":{"user_id":"u-1"}}""";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(new ProviderSettings(
                "claude", "anthropic", URI.create(upstream.baseUrl()), List.of("sk-provider"), null, Map.of()))));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** The upstream's text with the model it answered as replaced by the one the client asked for. */
    private static String askedModel(String upstreamText) {
        return upstreamText.replace("\"model\":\"claude-sonnet-4-5-20250929\"", "\"model\":\"claude,claude-sonnet-4-5\"");
    }

    @Test
    void theStreamReachesTheClientByteForByteButForTheModelFollowedByItsBill() throws Exception {
        upstream.answer(FakeUpstream.raw(UPSTREAM_STREAM));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(true),
                "x-api-key", "sk-client", "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RELAYED_STREAM).isNotEqualTo(UPSTREAM_STREAM);
        assertThat(response.body()).startsWith(RELAYED_STREAM);
        String comment = response.body().substring(RELAYED_STREAM.length());
        assertThat(comment).startsWith(": " + MessagesHandler.BILLING_COMMENT).endsWith("\n\n");
        JsonNode bill = JSON.readTree(comment.substring(2 + MessagesHandler.BILLING_COMMENT.length()));
        assertThat(bill.path("usage").toString()).contains("\"input_tokens\":12", "\"output_tokens\":7",
                "\"cache_creation_input_tokens\":100", "\"cache_read_input_tokens\":2000");
        assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("claude,claude-sonnet-4-5");
    }

    @Test
    void theRequestGoesUpAsTheClientWroteItWithTheUpstreamModelAndTheProvidersKey() throws Exception {
        upstream.answer(FakeUpstream.raw(UPSTREAM_STREAM));

        SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(true),
                "x-api-key", "sk-client", "anthropic-version", "2023-06-01", "anthropic-beta", "interleaved-thinking-2025-05-14");

        FakeUpstream.Recorded received = upstream.lastRequest();
        ObjectNode expected = (ObjectNode) JSON.readTree(REQUEST.formatted(true));
        expected.put("model", "claude-sonnet-4-5");
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.body()).isEqualTo(expected);
        assertThat(received.headers()).containsEntry("x-api-key", "sk-provider")
                .containsEntry("anthropic-version", "2023-06-01")
                .containsEntry("anthropic-beta", "interleaved-thinking-2025-05-14")
                .doesNotContainKey("authorization");
    }

    @Test
    void thinkingNoAnthropicEndpointCouldVerifyIsNotForwarded() throws Exception {
        upstream.answer(FakeUpstream.json(200, UPSTREAM_MESSAGE));
        String history = """
                {"model":"claude,claude-sonnet-4-5","max_tokens":256,"messages":[
                  {"role":"user","content":"go"},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"Plan.","signature":"ccr1.eyJyZWFzb25pbmdfZGV0YWlscyI6W119"},
                    {"type":"thinking","thinking":"DeepSeek's reasoning, never signed.","signature":""},
                    {"type":"thinking","thinking":"Without a signature field."},
                    {"type":"thinking","thinking":"Signed.","signature":"EqQBCkYIBxgCKkA"},
                    {"type":"text","text":"Done."}]},
                  {"role":"user","content":"next"}]}""";

        SseCapture.post(gateway.baseUrl() + "/v1/messages", history, "x-api-key", "sk-client");

        assertThat(upstream.lastRequest().body().at("/messages/1/content").toString()).isEqualTo(
                "[{\"type\":\"thinking\",\"thinking\":\"Signed.\",\"signature\":\"EqQBCkYIBxgCKkA\"},"
                        + "{\"type\":\"text\",\"text\":\"Done.\"}]");
    }

    /** A turn that held nothing but such thinking goes too: Anthropic refuses an assistant turn with empty content. */
    @Test
    void aTurnLeftEmptyIsNotForwarded() throws Exception {
        upstream.answer(FakeUpstream.json(200, UPSTREAM_MESSAGE));
        String history = """
                {"model":"claude,claude-sonnet-4-5","max_tokens":256,"messages":[
                  {"role":"user","content":"go"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"Unsigned.","signature":""}]},
                  {"role":"user","content":"next"}]}""";

        SseCapture.post(gateway.baseUrl() + "/v1/messages", history, "x-api-key", "sk-client");

        assertThat(upstream.lastRequest().body().path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"go\"},{\"role\":\"user\",\"content\":\"next\"}]");
    }

    @Test
    void aMidStreamErrorIsRelayedAsTheUpstreamWroteIt() throws Exception {
        String failing = UPSTREAM_STREAM.substring(0, UPSTREAM_STREAM.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        upstream.answer(FakeUpstream.raw(failing));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(true),
                "x-api-key", "sk-client");

        assertThat(response.body()).startsWith(askedModel(failing));
        assertThat(SseCapture.eventNames(response.body())).endsWith("error");
    }

    /**
     * An ordinary event whose data runs over two lines (SSE joins them) is read joined and still relayed as it came:
     * only an event that must change (its model, a key it quotes) is written again.
     */
    @Test
    void anEventWhoseDataRunsOverTwoLinesIsRelayedAsItCame() throws Exception {
        String split = UPSTREAM_STREAM.replace(
                "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\"",
                "data: {\"type\":\"content_block_delta\",\"index\":0,\ndata:  \"delta\"").replace(
                "data: {\"type\":\"message_delta\",", "data:{\r\ndata: \"type\":\"message_delta\",");
        assertThat(split).isNotEqualTo(UPSTREAM_STREAM);
        upstream.answer(FakeUpstream.raw(split));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(true),
                "x-api-key", "sk-client");

        assertThat(response.body()).startsWith(askedModel(split));
        String comment = response.body().substring(askedModel(split).length());
        JsonNode bill = JSON.readTree(comment.substring(2 + MessagesHandler.BILLING_COMMENT.length()));
        assertThat(bill.path("usage").path("output_tokens").asLong()).as("the split message_delta's, read joined")
                .isEqualTo(7);
    }

    @Test
    void theSdkReadsTheForwardedStream() {
        upstream.answer(FakeUpstream.raw(UPSTREAM_STREAM));

        Message message = SdkStreams.streamed(client, params());

        assertThat(message.id()).isEqualTo("msg_up_1");
        assertThat(message.model().asString()).isEqualTo("claude,claude-sonnet-4-5");
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hello");
        assertThat(message.usage().outputTokens()).isEqualTo(7);
        assertThat(message.usage().cacheReadInputTokens()).contains(2000L);
    }

    @Test
    void aWholeAnswerIsRelayedUnchangedButForTheModelWithItsBillInTheHeaders() throws Exception {
        upstream.answer(FakeUpstream.json(200, UPSTREAM_MESSAGE));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(false),
                "x-api-key", "sk-client");
        Message message = client.messages().create(params());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(askedModel(UPSTREAM_MESSAGE)).isNotEqualTo(UPSTREAM_MESSAGE);
        assertThat(response.headers().firstValue("X-CCRouter-Tokens-Input")).hasValue("30");
        assertThat(response.headers().firstValue("X-CCRouter-Tokens-CacheRead")).hasValue("500");
        assertThat(response.headers().firstValue("X-CCRouter-Tokens-Output")).hasValue("4");
        assertThat(message.id()).isEqualTo("msg_up_2");
        assertThat(message.model().asString()).isEqualTo("claude,claude-sonnet-4-5");
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hi there");
    }

    /** An answer that already names the client's model is not written again: it goes as it came. */
    @Test
    void anAnswerNamingTheAskedModelGoesAsItCame() throws Exception {
        upstream.answer(FakeUpstream.json(200, askedModel(UPSTREAM_MESSAGE).replace("{\"id\"", "{ \"id\"")));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(false),
                "x-api-key", "sk-client");

        assertThat(response.body()).isEqualTo(askedModel(UPSTREAM_MESSAGE).replace("{\"id\"", "{ \"id\""));
    }

    @Test
    void theLedgerRecordsTheStopReasonTheUpstreamGave() throws Exception {
        upstream.answer(FakeUpstream.raw(UPSTREAM_STREAM.replace("\"stop_reason\":\"end_turn\"",
                "\"stop_reason\":\"max_tokens\"")));
        String streamed = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(true),
                "x-api-key", "sk-client").headers().firstValue("request-id").orElseThrow();
        upstream.answer(FakeUpstream.json(200, UPSTREAM_MESSAGE.replace("\"stop_reason\":\"end_turn\"",
                "\"stop_reason\":\"stop_sequence\"")));
        String whole = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST.formatted(false),
                "x-api-key", "sk-client").headers().firstValue("request-id").orElseThrow();

        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        Map<String, String> stops = new HashMap<>();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            ledger.forEach(null, null, row -> stops.put(row.requestId(), String.valueOf(row.stopReason())));
            return stops.containsKey(streamed) && stops.containsKey(whole);
        });
        assertThat(stops).containsEntry(streamed, "max_tokens").containsEntry(whole, "stop_sequence");
    }

    @Test
    void anUpstreamErrorReachesTheClientInAnthropicsShape() {
        upstream.answer(FakeUpstream.json(529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));

        assertThatThrownBy(() -> client.messages().create(params()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(529);
                    assertThat(e.getMessage()).contains("overloaded_error").contains("Overloaded");
                });
    }

    private static MessageCreateParams params() {
        return MessageCreateParams.builder().model("claude,claude-sonnet-4-5").maxTokens(256)
                .addUserMessage("hello").build();
    }
}

package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SdkStreams;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One upstream usage, every place ccrouter shows it: the non-stream body, its billing headers, the stream's final
 * {@code message_delta}, the {@code : ccrouter-billing} comment and the access log all carry the same exact numbers.
 *
 * <p>The upstream (Sonnet 4.6 at the bundled snapshot's prices) reports 52 000 prompt tokens, 48 000 of them read
 * from cache, no write count, 300 output tokens (120 reasoning) and a charged cost of $0.033525: 3 500 cache
 * writes at the 5-minute rate, leaving 500 input tokens.
 */
class BillingEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = """
            {"prompt_tokens":52000,"completion_tokens":300,"total_tokens":52300,
             "prompt_tokens_details":{"cached_tokens":48000,"audio_tokens":0},
             "completion_tokens_details":{"reasoning_tokens":120},"cost":0.033525,"is_byok":false}"""
            .replace("\n", ""); // one line: it travels in an SSE data line
    static final String REQUEST = """
            {"model":"claude-sonnet-4-6","max_tokens":1024,%s
             "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":[{"type":"text","text":"Run the tests",
                          "cache_control":{"type":"ephemeral"}}]}]}""";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;
    static AccessLogCapture accessLog;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0).build();
        accessLog = new AccessLogCapture();
    }

    @AfterAll
    static void stop() {
        accessLog.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void theBodyTheHeadersTheStreamTheCommentAndTheLogAgree() throws Exception {
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-1","object":"chat.completion","model":"anthropic/claude-sonnet-4.6",
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"All green."}}],
                 "usage":%s}""".formatted(USAGE)));
        HttpResponse<String> whole = post(false);
        JsonNode bodyUsage = JSON.readTree(whole.body()).path("usage");

        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-2\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"All green.\"}}]}",
                "{\"id\":\"gen-2\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-2\",\"choices\":[],\"usage\":" + USAGE + "}",
                "[DONE]"));
        HttpResponse<String> streamed = post(true);
        List<SseCapture.Frame> frames = SseCapture.frames(streamed.body());
        JsonNode deltaUsage = JSON.readTree(frames.stream().filter(f -> "message_delta".equals(f.event()))
                .findFirst().orElseThrow().data()).path("usage");
        String[] lines = streamed.body().split("\n");
        String comment = lines[lines.length - 1];
        JsonNode bill = JSON.readTree(comment.substring(": ccrouter-billing ".length()));

        // Exact usage, the same in the body, the message_delta and the comment.
        assertThat(bodyUsage.path("input_tokens").asLong()).isEqualTo(500);
        assertThat(bodyUsage.path("cache_read_input_tokens").asLong()).isEqualTo(48000);
        assertThat(bodyUsage.path("cache_creation_input_tokens").asLong()).isEqualTo(3500);
        assertThat(bodyUsage.path("cache_creation").toString())
                .isEqualTo("{\"ephemeral_5m_input_tokens\":3500,\"ephemeral_1h_input_tokens\":0}");
        assertThat(bodyUsage.path("output_tokens").asLong()).isEqualTo(300);
        assertThat(bodyUsage.path("output_tokens_details").toString()).isEqualTo("{\"thinking_tokens\":120}");
        for (String field : List.of("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
                "output_tokens", "output_tokens_details")) {
            assertThat(deltaUsage.get(field)).as(field).isEqualTo(bodyUsage.get(field));
        }
        assertThat(bill.path("usage")).isEqualTo(bodyUsage);

        // The headers of the whole response carry the same tokens and the cost.
        assertThat(header(whole, "X-CCRouter-Tokens-Input")).isEqualTo("500");
        assertThat(header(whole, "X-CCRouter-Tokens-Output")).isEqualTo("300");
        assertThat(header(whole, "X-CCRouter-Tokens-CacheRead")).isEqualTo("48000");
        assertThat(header(whole, "X-CCRouter-Tokens-CacheCreation")).isEqualTo("3500");
        assertThat(header(whole, "X-CCRouter-Cost-Input")).isEqualTo("0.0015");
        assertThat(header(whole, "X-CCRouter-Cost-Output")).isEqualTo("0.0045");
        assertThat(header(whole, "X-CCRouter-Cost-Read")).isEqualTo("0.0144");
        assertThat(header(whole, "X-CCRouter-Cost-Write")).isEqualTo("0.013125");
        assertThat(header(whole, "X-CCRouter-Cost-Total")).isEqualTo("0.033525");
        assertThat(header(whole, "X-CCRouter-Cost-Upstream")).isEqualTo("0.033525");
        assertThat(header(whole, "X-CCRouter-Cache-Hit-Ratio")).isEqualTo("0.9231");
        assertThat(whole.headers().firstValue("X-CCRouter-Billing-Note")).isEmpty();

        // The comment: the same dollars as the headers, and it is the stream's last line.
        assertThat(comment).startsWith(": ccrouter-billing {\"request_id\":\"req_");
        assertThat(frames.getLast().event()).isEqualTo("message_stop");
        JsonNode usd = bill.path("cost_usd");
        assertThat(usd.path("input").decimalValue()).isEqualByComparingTo(header(whole, "X-CCRouter-Cost-Input"));
        assertThat(usd.path("output").decimalValue()).isEqualByComparingTo(header(whole, "X-CCRouter-Cost-Output"));
        assertThat(usd.path("cache_read").decimalValue()).isEqualByComparingTo(header(whole, "X-CCRouter-Cost-Read"));
        assertThat(usd.path("cache_write").decimalValue()).isEqualByComparingTo(header(whole, "X-CCRouter-Cost-Write"));
        assertThat(usd.path("total").decimalValue()).isEqualByComparingTo(header(whole, "X-CCRouter-Cost-Total"));
        assertThat(bill.path("upstream_cost_usd").decimalValue()).isEqualByComparingTo("0.033525");
        assertThat(bill.path("residual_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(bill.path("cache_writes").asText()).isEqualTo("inferred");
        assertThat(bill.path("cache_hit_ratio").decimalValue()).isEqualByComparingTo("0.9231");
        assertThat(bill.path("prices").asText()).isEqualTo("bundled snapshot 2026-11-25");
        assertThat(bill.path("notes")).isEmpty();

        // The access log: one line per request with the same numbers.
        for (HttpResponse<String> response : List.of(whole, streamed)) {
            assertThat(accessLine(header(response, "request-id"))).contains(" input_tokens=500 output_tokens=300",
                    " cache_read=48000 cache_write=3500 cache_write_1h=0 reasoning_tokens=120 cache_writes=inferred",
                    " cache_hit_ratio=0.9231 cost_usd=0.033525 upstream_cost_usd=0.033525 residual_usd=0");
        }
    }

    @Test
    void theOfficialSdkReadsTheBilledUsageAndIgnoresTheComment() {
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-3\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All green.\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-3\",\"choices\":[],\"usage\":" + USAGE + "}",
                "[DONE]"));
        MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-6").maxTokens(1024)
                .addUserMessage("Run the tests").build();

        Message message = SdkStreams.streamed(client, params);

        assertThat(message.usage().inputTokens()).isEqualTo(500);
        assertThat(message.usage().cacheReadInputTokens()).contains(48000L);
        assertThat(message.usage().cacheCreationInputTokens()).contains(3500L);
        assertThat(message.usage().outputTokens()).isEqualTo(300);
        assertThat(message.usage().outputTokensDetails().orElseThrow().thinkingTokens()).isEqualTo(120);
    }

    @Test
    void missingCostAndPricesAreSaidNotInvented() throws Exception {
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-4","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
                 "usage":{"prompt_tokens":1000,"completion_tokens":10}}"""));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                "{\"model\":\"someone/unlisted-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", "sk-test");

        assertThat(header(response, "X-CCRouter-Tokens-Input")).isEqualTo("1000");
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-ccrouter-cost"));
        assertThat(header(response, "X-CCRouter-Billing-Note")).isEqualTo(
                "no prices for this model in the catalog: cost not computed; the upstream reported no cost");
    }

    @Test
    void aStreamWithoutUsageIsBilledAsAnEstimate() throws Exception {
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}",
                "[DONE]"));

        HttpResponse<String> response = post(true);

        String[] lines = response.body().split("\n");
        JsonNode bill = JSON.readTree(lines[lines.length - 1].substring(": ccrouter-billing ".length()));
        assertThat(bill.path("cost_usd").path("total").isNull()).isTrue();
        assertThat(bill.path("cache_writes").asText()).isEqualTo("unknown");
        assertThat(bill.path("usage_estimated").asBoolean()).isTrue();
        assertThat(bill.path("cache_hit_ratio").isNull()).isTrue();
        assertThat(bill.path("notes").get(0).asText()).startsWith("the upstream reported no usage");
    }

    private static HttpResponse<String> post(boolean stream) throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                REQUEST.formatted(stream ? "\"stream\":true," : ""), "x-api-key", "sk-test");
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no header " + name));
    }

    private static String accessLine(String requestId) {
        return accessLog.line(requestId);
    }
}

package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code through a provider that speaks Anthropic's protocol, which answers as the model it is
 * ({@code kimi-k2.6}), not as the {@code provider,model} Claude Code asked for. Claude Code sends back the thinking
 * only of earlier answers that name the model it asks for now; the gateway's answer names it, so the thinking of a
 * tool-calling turn reaches the provider again with the tool's result (Kimi's and DeepSeek's tool loops need it).
 */
class AnthropicWireEndToEndTest {
    private static final String THOUGHT = "I will run the echo command first.";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static String claude;

    @TempDir
    static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        claude = ClaudeCli.require();
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(new ProviderSettings(
                "kimi", "anthropic", URI.create(upstream.baseUrl()), List.of("sk-provider"), null, Map.of()))));
        upstream.answer((request, res) -> {
            if (!request.body().path("stream").asBoolean()) { // a side request: a plain answer
                FakeUpstream.json(200, "{\"id\":\"msg_side\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"model\":\"kimi-k2.6\",\"content\":[{\"type\":\"text\",\"text\":\"Side.\"}],"
                        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}").answer(request, res);
                return;
            }
            boolean toolResultCame = request.body().path("messages").toString().contains("tool_result");
            FakeUpstream.raw(toolResultCame ? finalAnswer() : thinkingThenBash()).answer(request, res);
        });
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @Test
    void theThinkingOfAToolCallingTurnGoesBackWithItsResult() throws Exception {
        JsonNode result = ClaudeCli.print(claude, home, work, gateway.baseUrl(), "Run echo probe", "kimi,kimi-k2.6",
                Map.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"));

        assertThat(result.path("result").asText()).isEqualTo("Echo ran.");
        JsonNode followUp = upstream.requests().stream()
                .filter(request -> request.body().path("messages").toString().contains("tool_result"))
                .reduce((first, second) -> second).orElseThrow().body();
        JsonNode assistant = followUp.path("messages").get(followUp.path("messages").size() - 2);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").get(0).path("type").asText()).isEqualTo("thinking");
        assertThat(assistant.path("content").get(0).path("thinking").asText()).isEqualTo(THOUGHT);
    }

    private static String thinkingThenBash() {
        return messageStart()
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"" + THOUGHT + "\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCkYIBxgCKkA\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"Bash\",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":"
                        + "\"{\\\"command\\\":\\\"echo probe\\\",\\\"description\\\":\\\"Echo\\\"}\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + end("tool_use");
    }

    private static String finalAnswer() {
        return messageStart()
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Echo ran.\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + end("end_turn");
    }

    /** The provider's own start: it names the model it is. */
    private static String messageStart() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_up\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"kimi-k2.6\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
    }

    private static String end(String stopReason) {
        return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}

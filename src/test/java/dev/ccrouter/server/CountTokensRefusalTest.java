package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/messages/count_tokens} refuses the bodies Anthropic's count_tokens refuses, as
 * {@code /v1/messages} refuses them: 400 {@code invalid_request_error}, the same words, no estimate and no upstream
 * call. Its body has no {@code max_tokens}: one without is counted, and one with it (Claude Code may send its message's
 * fields) too.
 */
class CountTokensRefusalTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> refusedBodies() {
        String unknownType = "Input should be 'text', 'image', 'document', 'search_result', 'tool_use', "
                + "'tool_result', 'thinking' or 'redacted_thinking'";
        return Stream.of(
                arguments("{}", "model: Field required"),
                arguments("{\"model\":\"\",\"messages\":" + HI + "}", "model: String should have at least 1 character"),
                arguments("{\"model\":\"claude-sonnet-5\"}", "messages: Field required"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":{}}", "messages: Input should be a valid list"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[]}",
                        "messages: List should have at least 1 item after validation, not 0"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[1]}",
                        "messages.0: Input should be a valid dictionary"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}",
                        "messages.0.role: Input should be 'user', 'assistant' or 'system'"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":42}]}",
                        "messages.0.content: Input should be a valid string or a valid list"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":"
                                + "[{\"type\":\"video\"}]}]}",
                        "messages.0.content.0.type: " + unknownType),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"assistant\",\"content\":"
                                + "[{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}]}",
                        "messages.0.content.0.type: 'tool_result' blocks are only allowed in user messages"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"system\":42}",
                        "system: Input should be a valid string or a valid list"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"tools\":[{\"name\":\"Bash\"}]}",
                        "tools.0.input_schema: Field required"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"tool_choice\":\"auto\"}",
                        "tool_choice: Input should be a valid dictionary"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"thinking\":{\"type\":\"enabled\"}}",
                        "thinking.budget_tokens: Field required"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"output_config\":{\"effort\":3}}",
                        "output_config.effort: Input should be a valid string"),
                arguments("{\"model\":\"claude-sonnet-5\",\"messages\":" + HI
                                + ",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"10m\"}}",
                        "cache_control.ttl: Input should be '5m' or '1h'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusedBodies")
    void aBodyCountTokensCannotTakeIs400InTheWordsOfMessages(String body, String message) throws Exception {
        int before = upstream.requests().size();

        HttpResponse<String> counted = post("/v1/messages/count_tokens", body);
        HttpResponse<String> answered = post("/v1/messages", withMaxTokens(body));

        assertThat(counted.statusCode()).isEqualTo(400);
        assertThat(counted.headers().firstValue("request-id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        JsonNode envelope = JSON.readTree(counted.body());
        assertThat(envelope.path("type").asText()).isEqualTo("error");
        assertThat(envelope.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(envelope.path("error").path("message").asText()).isEqualTo(message);
        assertThat(envelope.has("input_tokens")).isFalse();
        assertThat(answered.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answered.body()).path("error").path("message").asText()).isEqualTo(message);
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void everyFieldOfACountTokensBodyIsTakenWithoutMaxTokens() throws Exception {
        String body = "{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"system\":[{\"type\":\"text\","
                + "\"text\":\"Be brief.\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],"
                + "\"tools\":[{\"name\":\"Bash\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"auto\"},\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"output_config\":{\"effort\":\"high\"},\"cache_control\":{\"type\":\"ephemeral\"}}";

        HttpResponse<String> counted = post("/v1/messages/count_tokens", body);

        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(counted.body()).path("input_tokens").asLong()).isPositive();
    }

    /** They are not count_tokens' fields: left alone, as /v1/messages leaves the fields it does not know. */
    @Test
    void theFieldsOnlyAGenerationTakesAreLeftAlone() throws Exception {
        String body = "{\"model\":\"claude-sonnet-5\",\"messages\":" + HI + ",\"max_tokens\":\"lots\","
                + "\"stream\":\"yes\",\"temperature\":7,\"stop_sequences\":\"END\",\"metadata\":\"u\"}";

        HttpResponse<String> counted = post("/v1/messages/count_tokens", body);

        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(counted.body()).path("input_tokens").asLong()).isPositive();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return SseCapture.post(gateway.baseUrl() + path, body, "x-api-key", "sk-test");
    }

    /** The body as /v1/messages takes it: with the {@code max_tokens} count_tokens does without. */
    static String withMaxTokens(String body) throws Exception {
        return ((ObjectNode) JSON.readTree(body)).put("max_tokens", 100).toString();
    }

    /**
     * On a route to a provider that speaks Anthropic's protocol, {@code /v1/messages} sends the body as it is and the
     * provider judges it: {@code count_tokens} counts it there rather than refuse a block type the gateway does not
     * know.
     */
    @Test
    void onARouteToAnAnthropicProviderTheBodyIsCountedAsItIs() throws Exception {
        String body = "{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"Hello there\"},{\"type\":\"video\",\"file_id\":\"f\"}]}]}";
        try (RunningGateway anthropicRoute = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(new ProviderSettings("claude", "anthropic", URI.create(upstream.baseUrl()),
                        List.of("sk-provider"), null, Map.of())))
                .withRoutes(Routes.to("claude,claude-sonnet-4-5")))) {
            HttpResponse<String> counted = SseCapture.post(anthropicRoute.baseUrl() + "/v1/messages/count_tokens",
                    body, "x-api-key", "sk-client");

            assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
            assertThat(counted.headers().firstValue("X-CCRouter-Provider")).hasValue("claude,claude-sonnet-4-5");
            assertThat(JSON.readTree(counted.body()).path("input_tokens").asLong()).isPositive();
        }
        HttpResponse<String> refused = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens", body,
                "x-api-key", "sk-client");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText())
                .startsWith("messages.0.content.1.type: ");
    }
}

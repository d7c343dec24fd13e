package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model that refuses an optional field by name — OpenAI's non-reasoning models answer Claude Code's thinking
 * (sent as {@code reasoning_effort}) with "Unsupported parameter" — gets the request again without it, and later
 * requests leave it out from the start: the turn works instead of failing every time.
 */
class RefusedFieldsOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THINKING_TURN = """
            {"model":"oai,gpt-4.1","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},
             "messages":[{"role":"user","content":"Hi"}]}""";
    private static final String UNSUPPORTED = """
            {"error":{"message":"Unsupported parameter: 'reasoning_effort' is not supported with this model.",\
            "type":"invalid_request_error","param":"reasoning_effort","code":"unsupported_parameter"}}""";

    FakeUpstream upstream;
    RunningGateway gateway;
    AccessLogCapture accessLog;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        accessLog = new AccessLogCapture();
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(
                new ProviderSettings("oai", "openai", URI.create(upstream.baseUrl()), List.of("sk-oai-provider-key"),
                        null, Map.of()),
                new ProviderSettings("or", "openrouter", URI.create(upstream.baseUrl()), List.of("sk-or-provider-key"),
                        null, Map.of()))));
    }

    @AfterEach
    void stop() {
        accessLog.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void aRefusedFieldIsLeftOutAndRemembered() throws Exception {
        upstream.answer((request, res) -> (request.body().has("reasoning_effort")
                ? FakeUpstream.json(400, UNSUPPORTED) : FakeUpstream.text("Done.")).answer(request, res));

        HttpResponse<String> first = post();
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).at("/content/0/text").asText()).isEqualTo("Done.");
        assertThat(accessLog.line(first.headers().firstValue("request-id").orElseThrow())).contains(" retries=1 ");
        HttpResponse<String> second = post();
        assertThat(second.statusCode()).isEqualTo(200);

        List<JsonNode> sent = upstream.requests().stream().map(FakeUpstream.Recorded::body).toList();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0).path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(sent.get(1).has("reasoning_effort")).isFalse();
        assertThat(sent.get(1).path("messages")).isEqualTo(sent.get(0).path("messages"));
        assertThat(sent.get(2).has("reasoning_effort")).as("the second turn goes without it at once").isFalse();
    }

    @Test
    void aModelThatAlwaysReasonsIsAskedAgainWithoutTheOffSwitchAndStillTakesAnEffort() throws Exception {
        upstream.answer((request, res) -> ("none".equals(request.body().at("/reasoning/effort").asText())
                ? FakeUpstream.json(400, """
                        {"error":{"message":"Reasoning is mandatory for this endpoint and cannot be disabled.",\
                        "code":400,"metadata":{"provider_name":null}}}""")
                : FakeUpstream.text("Done.")).answer(request, res));
        String thinkingOff = """
                {"model":"or,deepseek/deepseek-r1","max_tokens":4000,"thinking":{"type":"disabled"},
                 "messages":[{"role":"user","content":"Hi"}]}""";

        HttpResponse<String> first = SseCapture.post(gateway.baseUrl() + "/v1/messages", thinkingOff,
                "x-api-key", "sk-client");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(accessLog.line(first.headers().firstValue("request-id").orElseThrow())).contains(" retries=1 ");
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", thinkingOff, "x-api-key", "sk-client")
                .statusCode()).isEqualTo(200);
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", """
                {"model":"or,deepseek/deepseek-r1","max_tokens":4000,"thinking":{"type":"adaptive"},
                 "output_config":{"effort":"low"},"messages":[{"role":"user","content":"Hi"}]}""",
                "x-api-key", "sk-client").statusCode()).isEqualTo(200);

        List<JsonNode> sent = upstream.requests().stream().map(FakeUpstream.Recorded::body).toList();
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0).path("reasoning").toString()).isEqualTo("{\"effort\":\"none\"}");
        assertThat(sent.get(1).has("reasoning")).isFalse();
        assertThat(sent.get(2).has("reasoning")).as("the next turn goes without the off switch at once").isFalse();
        assertThat(sent.get(3).path("reasoning").toString())
                .as("what was refused is turning reasoning off, not the field")
                .isEqualTo("{\"enabled\":true,\"effort\":\"low\"}");
    }

    @Test
    void aRefusalOfAFieldTheRequestNeedsReachesTheClientAsItCame() throws Exception {
        upstream.answer(FakeUpstream.json(400, """
                {"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. \
                Use 'max_completion_tokens' instead.","param":"max_tokens","code":"unsupported_parameter"}}"""));

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("Unsupported parameter: 'max_tokens' is not supported "
                + "with this model. Use 'max_completion_tokens' instead.");
        assertThat(upstream.requests()).hasSize(1);
    }

    private HttpResponse<String> post() throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", THINKING_TURN, "x-api-key", "sk-client");
    }
}

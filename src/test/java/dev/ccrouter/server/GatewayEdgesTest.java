package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Everything around the happy path: bad input, missing keys, unknown routes, the small endpoints. */
class GatewayEdgesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withMaxBodyBytes(4096));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static JsonNode error(HttpResponse<String> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.headers().firstValue("request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        return body.path("error");
    }

    @Test
    void missingKeyIs401WithoutCallingUpstream() throws Exception {
        int before = upstream.requests().size();
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).path("type").asText()).isEqualTo("authentication_error");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void bearerTokenIsAcceptedAndForwarded() throws Exception {
        upstream.answer(FakeUpstream.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages?beta=true", BODY,
                "authorization", "Bearer sk-or-abc", "anthropic-beta", "claude-code-20250219",
                "x-claude-code-session-id", "5b1c3d0e-0000-4000-8000-000000000001");
        assertThat(response.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded sent = upstream.lastRequest();
        assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-or-abc");
        assertThat(sent.headers()).doesNotContainKey("anthropic-beta").doesNotContainKey("x-api-key");
        assertThat(sent.headers().get("x-title")).isEqualTo("ccrouter");
        assertThat(sent.headers()).containsKey("http-referer");
        assertThat(sent.body().path("session_id").asText()).isEqualTo("5b1c3d0e-0000-4000-8000-000000000001");
    }

    @Test
    void clientAttributionHeadersAreForwarded() throws Exception {
        upstream.answer(FakeUpstream.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key", "k",
                "HTTP-Referer", "https://example.dev/app", "X-Title", "My App");
        assertThat(upstream.lastRequest().headers()).containsEntry("http-referer", "https://example.dev/app")
                .containsEntry("x-title", "My App");
    }

    @Test
    void upstreamMessagesNeverEchoTheClientsKey() throws Exception {
        upstream.answer(FakeUpstream.json(401,
                "{\"error\":{\"code\":401,\"message\":\"Incorrect API key provided: sk-or-v1-secret-123.\"}}"));
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                "x-api-key", "sk-or-v1-secret-123");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).path("message").asText()).isEqualTo("Incorrect API key provided: [redacted].");
        assertThat(response.body()).doesNotContain("sk-or-v1-secret-123");

        upstream.answer(FakeUpstream.sse("{\"error\":{\"code\":\"server_error\",\"message\":\"key sk-or-v1-secret-123 "
                + "was revoked\"},\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}"));
        HttpResponse<String> stream = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""), "x-api-key", "sk-or-v1-secret-123");
        assertThat(stream.body()).contains("key [redacted] was revoked").doesNotContain("sk-or-v1-secret-123");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", "{\"model\": ", "x-api-key", "k");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).startsWith("Request body is not valid JSON");
    }

    @Test
    void contentAfterTheBodysObjectIs400AndNothingGoesUpstream() throws Exception {
        int before = upstream.requests().size();
        for (String after : List.of(" {\"model\":\"claude-opus-5\"}", "garbage", "}")) {
            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY + after,
                    "x-api-key", "k");
            assertThat(response.statusCode()).as(after).isEqualTo(400);
            assertThat(error(response).path("message").asText()).as(after)
                    .startsWith("Request body is not valid JSON: ")
                    .endsWith("(line 1, column " + (BODY.length() + (after.startsWith(" ") ? 2 : 1)) + ")");
        }
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void wrongFieldTypeIs400NamingTheField() throws Exception {
        int before = upstream.requests().size();
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BODY.replace("\"max_tokens\":100", "\"max_tokens\":\"lots\""), "x-api-key", "k");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("max_tokens: Input should be a valid integer");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void silentUpstreamIsATimeoutError() throws Exception {
        try (FakeUpstream silent = FakeUpstream.start();
             RunningGateway impatient = RunningGateway.start(silent, config -> config.withReadTimeout(Duration.ofSeconds(1)))) {
            CountDownLatch release = new CountDownLatch(1);
            silent.answer((request, res) -> release.await(10, java.util.concurrent.TimeUnit.SECONDS));
            HttpResponse<String> response = SseCapture.post(impatient.baseUrl() + "/v1/messages", BODY, "x-api-key", "k");
            release.countDown();
            assertThat(response.statusCode()).isEqualTo(504);
            JsonNode error = error(response);
            assertThat(error.path("type").asText()).isEqualTo("timeout_error");
            assertThat(error.path("message").asText()).isEqualTo(
                    "The upstream at " + silent.baseUrl() + "/chat/completions did not answer in time.");
        }
    }

    @Test
    void nonObjectBodyIs400() throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", "[1,2]", "x-api-key", "k");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText()).isEqualTo("Request body must be a JSON object.");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(5000) + "\"}]}";
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", big, "x-api-key", "k");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).path("type").asText()).isEqualTo("request_too_large");
    }

    @Test
    void unknownRouteIs404Envelope() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/complete")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = error(response);
        assertThat(error.path("type").asText()).isEqualTo("not_found_error");
        assertThat(error.path("message").asText()).isEqualTo("Not found: GET /v1/complete");
    }

    @Test
    void unreachableUpstreamIsAnApiErrorNamingIt() throws Exception {
        FakeUpstream gone = FakeUpstream.start();
        String goneUrl = gone.baseUrl();
        gone.close();
        try (RunningGateway isolated = RunningGateway.start(goneUrl, config -> config)) {
            HttpResponse<String> response = SseCapture.post(isolated.baseUrl() + "/v1/messages", BODY, "x-api-key", "k");
            assertThat(response.statusCode()).isEqualTo(502);
            JsonNode error = error(response);
            assertThat(error.path("type").asText()).isEqualTo("api_error");
            assertThat(error.path("message").asText()).isEqualTo(
                    "Could not reach the upstream at " + goneUrl + "/chat/completions: connection refused");
        }
    }

    @Test
    void healthRootAndHeadAnswer200() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/").statusCode()).isEqualTo(200);
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void modelsListTheMapping() throws Exception {
        JsonNode page = JSON.readTree(get("/v1/models?limit=1000").body());
        assertThat(page.path("data").findValuesAsText("id")).containsExactly(
                "claude-opus", "claude-sonnet", "claude-haiku",
                "anthropic/claude-opus-4.6", "anthropic/claude-sonnet-4.6", "anthropic/claude-haiku-4.5");
        assertThat(page.path("has_more").asBoolean(true)).isFalse();
        assertThat(JSON.readTree(get("/v1/models/anthropic/claude-opus-4.6").body()).path("type").asText()).isEqualTo("model");
        assertThat(get("/v1/models/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void countTokensAnswersLocally() throws Exception {
        int before = upstream.requests().size();
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens?beta=true", BODY,
                "x-api-key", "k");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("input_tokens").asLong()).isPositive();
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void quietUpstreamGetsPingsToTheClient() throws Exception {
        try (FakeUpstream slow = FakeUpstream.start();
             RunningGateway pinging = RunningGateway.start(slow, config -> config.withPingInterval(Duration.ofMillis(300)))) {
            CountDownLatch cancelled = new CountDownLatch(1);
            slow.answer(FakeUpstream.streamUntilCancelled(cancelled));
            HttpRequest request = HttpRequest.newBuilder(URI.create(pinging.baseUrl() + "/v1/messages"))
                    .header("x-api-key", "k")
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"")))
                    .build();
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            try (var lines = response.body()) {
                assertThat(lines.filter(line -> line.startsWith("event: ")).limit(2))
                        .containsExactly("event: message_start", "event: ping");
            }
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

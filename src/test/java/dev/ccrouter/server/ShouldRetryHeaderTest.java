package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every error answer says whether retrying can help, as Anthropic's API does: Claude Code and the SDKs obey
 * {@code x-should-retry} before the status, so a wrong key fails at once instead of after ten retries.
 */
class ShouldRetryHeaderTest {
    static final String BODY = GatewayEdgesTest.BODY;
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

    @ParameterizedTest(name = "upstream {0} → {1} {2}, x-should-retry: {3}")
    @CsvSource({
            "400, 400, invalid_request_error, false",
            "401, 401, authentication_error, false",
            "402, 402, billing_error, false",
            "403, 403, permission_error, false",
            "404, 404, not_found_error, false",
            "413, 413, request_too_large, false",
            "408, 504, timeout_error, true",
            "429, 429, rate_limit_error, true",
            "500, 500, api_error, true",
            "502, 502, api_error, true",
            "503, 529, overloaded_error, true",
            "529, 529, overloaded_error, true"})
    void upstreamErrorsSayWhetherARetryCanHelp(int upstreamStatus, int status, String type, String shouldRetry)
            throws Exception {
        upstream.answer(FakeUpstream.json(upstreamStatus, "{\"error\":{\"message\":\"no\",\"code\":" + upstreamStatus + "}}"));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key", "k");

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(GatewayEdgesTest.error(response).path("type").asText()).isEqualTo(type);
        assertThat(response.headers().allValues("x-should-retry")).containsExactly(shouldRetry);
    }

    @Test
    void gatewayRefusalsThatWillNotChangeSayDoNotRetry() throws Exception {
        HttpResponse<String> noKey = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY);
        HttpResponse<String> notJson = SseCapture.post(gateway.baseUrl() + "/v1/messages", "{", "x-api-key", "k");
        HttpResponse<String> tooLarge = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BODY.replace("hi", "x".repeat(5000)), "x-api-key", "k");
        HttpResponse<String> unknownPath = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/complete")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        for (HttpResponse<String> response : new HttpResponse[] {noKey, notJson, tooLarge, unknownPath}) {
            assertThat(response.headers().allValues("x-should-retry")).as(response.body()).containsExactly("false");
        }
    }

    @Test
    void successfulAnswersCarryNoRetryAdvice() throws Exception {
        upstream.answer(FakeUpstream.json(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key", "k");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-should-retry")).isEmpty();
    }
}

package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies that are valid JSON but costly to parse get 400 naming the limit, never a 500; big strings within the body limit pass. */
class JsonLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
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

    static HttpResponse<String> countTokens(String body) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens", body, "x-api-key", "sk-test");
    }

    /**
     * A valid count_tokens body whose one tool's schema holds {@code value}, four levels deep (the body, its tools, the
     * tool, its schema): whatever is refused is refused for the limit, not for the body's shape.
     */
    static String withSchemaValue(String value) {
        return "{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"name\":\"Deep\",\"input_schema\":{\"default\":" + value + "}}]}";
    }

    static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    @Test
    void nestingTenThousandLevelsDeepIs400NamingTheDepthLimit() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        HttpResponse<String> response = countTokens(withSchemaValue(deep));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(response).path("message").asText())
                .isEqualTo("Request body exceeds a JSON limit: nesting deeper than 256 levels");
    }

    @Test
    void aFiveThousandDigitNumberIs400NamingTheNumberLimit() throws Exception {
        HttpResponse<String> response = countTokens("{\"model\":\"claude-sonnet-5\",\"max_tokens\":" + "9".repeat(5_000)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText())
                .isEqualTo("Request body exceeds a JSON limit: a number longer than 1000 characters");
    }

    @Test
    void nestingAtTheLimitIsAccepted() throws Exception {
        // the body, its tools, the tool and its schema are four levels; 252 arrays reach exactly 256
        String deep = "[".repeat(252) + "]".repeat(252);
        HttpResponse<String> response = countTokens(withSchemaValue(deep));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aTwentyFiveMillionCharacterStringWithinTheBodyLimitIsAccepted() throws Exception {
        String big = "a".repeat(25_000_000);
        HttpResponse<String> response = countTokens(
                "{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("input_tokens").asLong()).isPositive();
    }

    @Test
    void malformedJsonSaysWhere() throws Exception {
        HttpResponse<String> response = countTokens("{\"messages\": [}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText()).startsWith("Request body is not valid JSON: ")
                .endsWith("(line 1, column 15)");
    }
}

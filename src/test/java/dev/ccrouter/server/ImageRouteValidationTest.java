package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A malformed body is a 400 whatever routes are configured: routing reads it before the translator validates it. */
class ImageRouteValidationTest {
    @Test
    void messagesAsAnObjectIsA400EvenWithAnImageRoute() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.at("local", upstream)))
                     .withRoutes(new RouteSettings("local,chat", null, null, null, 60_000, null, "local,vision",
                             Map.of(), null)))) {
            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", """
                    {"model": "claude-sonnet-5", "max_tokens": 10,
                     "messages": {"0": {"role": "user", "content": "hi"}}}""", "x-api-key", "sk-client");

            JsonNode error = new ObjectMapper().readTree(response.body()).path("error");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).isEqualTo("messages: Input should be a valid list");
            assertThat(upstream.requests()).isEmpty();
        }
    }
}

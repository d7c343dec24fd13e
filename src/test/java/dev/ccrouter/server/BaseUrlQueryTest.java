package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A provider whose base URL carries a query (Azure OpenAI's {@code ?api-version=…}, a proxy's token) is posted to at
 * {@code /chat/completions} with that query after it, not at the query's value with the path glued on; Azure's key
 * goes in its {@code api-key} header.
 */
class BaseUrlQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"model\":\"azure,gpt-4o\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aBaseUrlsQueryFollowsTheEndpointsPath() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.of("azure", "azure",
                             upstream.baseUrl() + "?api-version=2024-10-21", "azure-key-1")))
                     .withRoutes(Routes.to("azure,gpt-4o")))) {
            upstream.answer(FakeUpstream.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}"));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                    "x-api-key", "sk-test");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("content").path(0).path("text").asText()).isEqualTo("ok");
            assertThat(upstream.lastRequest().path()).isEqualTo("/v1/chat/completions?api-version=2024-10-21");
            assertThat(upstream.lastRequest().headers()).containsEntry("api-key", "azure-key-1")
                    .doesNotContainKey("authorization");
            assertThat(upstream.lastRequest().body().path("max_completion_tokens").asInt()).isEqualTo(100);
        }
    }
}

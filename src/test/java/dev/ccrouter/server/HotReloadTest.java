package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A changed configuration reaches a running gateway: new requests follow the new routes and providers, and a change
 * whose providers cannot be built leaves the old ones serving.
 */
class HotReloadTest {
    private static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER =
            "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";

    @Test
    void newRequestsFollowTheNewRoutesAndABrokenChangeKeepsTheOld() throws Exception {
        try (FakeUpstream first = FakeUpstream.start(); FakeUpstream second = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(first, config -> routedTo(config, "one", first))) {
            first.answer(FakeUpstream.json(200, ANSWER));
            second.answer(FakeUpstream.json(200, ANSWER));
            HttpResponse<String> before = post(gateway);
            assertThat(before.headers().firstValue("x-ccrouter-provider")).contains("one,model-one");
            assertThat(first.requests()).hasSize(1);

            GatewayConfig running = gateway.config();
            gateway.server().reconfigure(routedTo(running, "two", second));
            HttpResponse<String> after = post(gateway);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("x-ccrouter-provider")).contains("two,model-two");
            assertThat(second.requests()).hasSize(1);
            assertThat(second.lastRequest().body().path("model").asText()).isEqualTo("model-two");

            // Gateway keys without provider keys cannot be built: the change is refused and "two" keeps serving.
            GatewayConfig broken = routedTo(running, "three", first).withAuth(
                    new AuthSettings(List.of(AuthSettings.ClientKey.of("gateway-key")), List.of()));
            assertThatThrownBy(() -> gateway.server().reconfigure(broken)).isInstanceOf(ConfigException.class);
            assertThat(post(gateway).headers().firstValue("x-ccrouter-provider")).contains("two,model-two");
            assertThat(second.requests()).hasSize(2);
            assertThat(first.requests()).hasSize(1);
        }
    }

    /**
     * {@code GET /health} is what {@code ccrouter status} shows and what {@code ccrouter code} and {@code start}
     * compare with the settings asked for: after a reload it tells the mapping now in use, not the one at start.
     */
    @Test
    void healthTellsTheReloadedModelMapping() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            GatewayConfig.ModelMapping reloaded = new GatewayConfig.ModelMapping("x/haiku-2", "x/sonnet-2", "x/opus-2");
            gateway.server().reconfigure(gateway.config().withModels(reloaded));

            JsonNode models = health(gateway).path("models");
            assertThat(models.path("opus").asText()).isEqualTo("x/opus-2");
            assertThat(models.path("sonnet").asText()).isEqualTo("x/sonnet-2");
            assertThat(models.path("haiku").asText()).isEqualTo("x/haiku-2");
        }
    }

    /** The landing page tells a shared instance's users where Claude's names lead: after a reload, where they lead now. */
    @Test
    void theLandingPageShowsTheReloadedModelMapping() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            assertThat(WebPagesTest.get(gateway, "/").body())
                    .contains("<td><code>anthropic/claude-opus-4.6</code></td>");
            gateway.server().reconfigure(gateway.config().withModels(
                    new GatewayConfig.ModelMapping("x/haiku-2", "x/sonnet-2", "x/opus-2")));

            String page = WebPagesTest.get(gateway, "/").body();
            assertThat(page).contains("<tr><td><code>opus</code></td><td><code>x/opus-2</code></td>",
                    "<tr><td><code>sonnet</code></td><td><code>x/sonnet-2</code></td>",
                    "<tr><td><code>haiku</code></td><td><code>x/haiku-2</code></td>");
            assertThat(page).doesNotContain("anthropic/claude-opus-4.6");
        }
    }

    /**
     * {@code upstream.base_url} takes a restart, as the reload's log line says: until then requests still go to the
     * upstream the gateway started with, and {@code /health} says so, so {@code ccrouter start} sees the difference
     * and restarts it.
     */
    @Test
    void aNewUpstreamWaitsForARestart() throws Exception {
        try (FakeUpstream first = FakeUpstream.start(); FakeUpstream second = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(first)) {
            first.answer(FakeUpstream.json(200, ANSWER));
            second.answer(FakeUpstream.json(200, ANSWER));
            gateway.server().reconfigure(gateway.config().withUpstream(URI.create(second.baseUrl())));

            assertThat(post(gateway).statusCode()).isEqualTo(200);
            assertThat(first.requests()).hasSize(1);
            assertThat(second.requests()).isEmpty();
            assertThat(health(gateway).path("upstream").asText()).isEqualTo(first.baseUrl());
        }
    }

    private static JsonNode health(RunningGateway gateway) throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(health.body());
    }

    private static GatewayConfig routedTo(GatewayConfig config, String name, FakeUpstream upstream) {
        return config
                .withProviders(List.of(new ProviderSettings(name, "openai-compatible", URI.create(upstream.baseUrl()),
                        List.of(), null, Map.of())))
                .withRoutes(new RouteSettings(name + ",model-" + name, null, null, null,
                        RouteSettings.DEFAULT_LONG_CONTEXT_THRESHOLD, null, null, Map.of()));
    }

    private static HttpResponse<String> post(RunningGateway gateway) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key", "sk-test");
    }
}

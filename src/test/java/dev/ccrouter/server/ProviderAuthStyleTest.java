package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider's {@code auth} says how its key goes, whatever its preset says: a proxy that reads {@code x-api-key}, an
 * Azure resource given an Entra token as {@code Authorization: Bearer}, a server that must get no key at all. The key
 * is the provider's own, or the client's where the provider has none; it never goes in two headers.
 */
class ProviderAuthStyleTest {
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        URI at = URI.create(upstream.baseUrl());
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(
                new ProviderSettings("proxy", "openai-compatible", at, List.of("proxy-key"), null, Map.of(),
                        "x-api-key"),
                new ProviderSettings("entra", "azure", at, List.of("entra-token"), null, Map.of(), "bearer"),
                new ProviderSettings("keyless", "openai-compatible", at, List.of(), null, Map.of(), "none"))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "proxy,   x-api-key,     proxy-key",
            "entra,   authorization, Bearer entra-token",
            "keyless, ,              ",
    })
    void theKeyGoesTheWayTheProviderSays(String provider, String header, String value) throws Exception {
        upstream.answer(FakeUpstream.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}"));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", "{\"model\":\"" + provider
                + ",m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", "sk-client");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> sent = upstream.lastRequest().headers();
        List<String> keyHeaders = List.of("authorization", "x-api-key", "api-key");
        assertThat(keyHeaders.stream().filter(sent::containsKey).toList())
                .isEqualTo(header == null ? List.of() : List.of(header));
        if (header != null) {
            assertThat(sent).containsEntry(header, value);
        }
    }
}

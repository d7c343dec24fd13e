package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.PriceSettings;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A direct provider's model is priced from the configuration's {@code prices:}, and unpriced without it. */
class ConfiguredPricesTest {
    private static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** DeepSeek-shaped usage: 1,000,000 prompt tokens of which 400,000 were cache hits, 200,000 output tokens. */
    private static final String ANSWER = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000000,\"completion_tokens\":200000,"
            + "\"prompt_cache_hit_tokens\":400000,\"prompt_cache_miss_tokens\":600000}}";

    @Test
    void configuredPricesBillADirectProvidersModelExactly() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(new ProviderSettings("ds", "openai-compatible",
                             URI.create(upstream.baseUrl()), List.of(), null, Map.of())))
                     .withRoutes(new RouteSettings("ds,deepseek-chat", null, null, null,
                             RouteSettings.DEFAULT_LONG_CONTEXT_THRESHOLD, null, null, Map.of()))
                     .withPrices(Map.of("ds,deepseek-chat", new PriceSettings(new BigDecimal("0.27"),
                             new BigDecimal("1.10"), new BigDecimal("0.07"), null, null, null))))) {
            upstream.answer(FakeUpstream.json(200, ANSWER));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                    "x-api-key", "sk-test");

            assertThat(response.statusCode()).isEqualTo(200);
            // 600,000 × 0.27 + 400,000 × 0.07 + 200,000 × 1.10, per million: 0.162 + 0.028 + 0.22
            assertThat(new BigDecimal(response.headers().firstValue("x-ccrouter-cost-total").orElseThrow()))
                    .isEqualByComparingTo("0.41");
            assertThat(new BigDecimal(response.headers().firstValue("x-ccrouter-cost-read").orElseThrow()))
                    .isEqualByComparingTo("0.028");
        }
    }

    @Test
    void withoutPricesADirectProvidersModelHasNoCost() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(new ProviderSettings("ds", "openai-compatible",
                             URI.create(upstream.baseUrl()), List.of(), null, Map.of())))
                     .withRoutes(new RouteSettings("ds,deepseek-chat", null, null, null,
                             RouteSettings.DEFAULT_LONG_CONTEXT_THRESHOLD, null, null, Map.of())))) {
            upstream.answer(FakeUpstream.json(200, ANSWER));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                    "x-api-key", "sk-test");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-ccrouter-cost-total")).isEmpty();
            assertThat(response.headers().firstValue("x-ccrouter-tokens-cacheread")).contains("400000");
        }
    }
}

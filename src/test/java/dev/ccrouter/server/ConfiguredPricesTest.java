package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.PriceSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                     .withProviders(List.of(Providers.at("ds", upstream)))
                     .withRoutes(Routes.to("ds,deepseek-chat"))
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
            // What the cache saved, by the same prices: 400,000 reads × (0.27 − 0.07) per million
            assertThat(onlyRow(gateway).spend().cacheSavings()).isNotNull().isEqualByComparingTo("0.08");
        }
    }

    @Test
    void withoutPricesADirectProvidersModelHasNoCost() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.at("ds", upstream)))
                     .withRoutes(Routes.to("ds,deepseek-chat")))) {
            upstream.answer(FakeUpstream.json(200, ANSWER));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                    "x-api-key", "sk-test");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-ccrouter-cost-total")).isEmpty();
            assertThat(response.headers().firstValue("x-ccrouter-tokens-cacheread")).contains("400000");
        }
    }

    /**
     * Both cache-write rates as a settings file writes them ({@code cache_write_5m}, {@code cache_write_1h}): a
     * request whose breakpoints ask for 5 minutes pays the one, a request asking for an hour the other. The target is
     * a Claude model on OpenRouter, which takes the breakpoints with their TTLs; its configured prices come before
     * the catalog's.
     */
    @Test
    void cacheWritePricesFromTheSettingsFileBillEachTtlAtItsRate(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                routes:
                  default: openrouter,anthropic/claude-sonnet-4.6
                prices:
                  openrouter,anthropic/claude-sonnet-4.6:
                    input: 0.27
                    output: 1.10
                    cache_read: 0.07
                    cache_write_5m: 0.5
                    cache_write_1h: 0.8
                """);
        GatewayConfig configured = new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString()))
                .load(ConfigLoader.Flags.NONE);
        assertThat(configured.prices()).containsExactly(Map.entry("openrouter,anthropic/claude-sonnet-4.6", new PriceSettings(
                new BigDecimal("0.27"), new BigDecimal("1.1"), new BigDecimal("0.07"), new BigDecimal("0.5"),
                new BigDecimal("0.8"), null)));
        // 1,000,000 prompt tokens: 400,000 read from cache, 100,000 written to it, 500,000 uncached; 200,000 output.
        String usage = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1000000,\"completion_tokens\":200000,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":400000,\"cache_write_tokens\":100000}}}";
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withRoutes(configured.routes())
                     .withPrices(configured.prices()))) {
            upstream.answer(FakeUpstream.json(200, usage));
            HttpResponse<String> fiveMinutes = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                    cached("{\"type\":\"ephemeral\"}"), "x-api-key", "sk-test");
            upstream.answer(FakeUpstream.json(200, usage));
            HttpResponse<String> oneHour = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                    cached("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"), "x-api-key", "sk-test");

            // 100,000 × 0.5 per million; the rest: 500,000 × 0.27 + 400,000 × 0.07 + 200,000 × 1.10 = 0.383
            assertThat(new BigDecimal(header(fiveMinutes, "x-ccrouter-cost-write"))).isEqualByComparingTo("0.05");
            assertThat(new BigDecimal(header(fiveMinutes, "x-ccrouter-cost-total"))).isEqualByComparingTo("0.433");
            // 100,000 × 0.8 per million
            assertThat(new BigDecimal(header(oneHour, "x-ccrouter-cost-write"))).isEqualByComparingTo("0.08");
            assertThat(new BigDecimal(header(oneHour, "x-ccrouter-cost-total"))).isEqualByComparingTo("0.463");
        }
    }

    private static LedgerEntry onlyRow(RunningGateway gateway) throws SQLException {
        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 1);
        List<LedgerEntry> rows = new ArrayList<>();
        ledger.forEach(null, null, rows::add);
        return rows.getFirst();
    }

    private static String cached(String cacheControl) {
        return "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":" + cacheControl + "}]}]}";
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in "
                + response.headers().map() + ": " + response.body()));
    }
}

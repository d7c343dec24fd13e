package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A direct provider without {@code prices:} whose answers carry no cost leaves a budget nothing to count: a budgeted
 * key spends there without limit. The gateway cannot count it, but it says so, once per target, instead of leaving
 * the admin to believe the budget holds.
 */
class UnpricedTargetBudgetTest {
    private static final String KEY = "ccr-budgeted-team-key";
    private static final String REQUEST = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aBudgetedKeysRequestToATargetWithoutPricesIsSaidOnceNotSilentlyFree() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.at("direct", upstream, "sk-direct-provider-key")))
                     .withRoutes(Routes.to("direct,deepseek-chat"))
                     .withAuth(new AuthSettings(List.of(
                             new ClientKey("team", KEY, new BigDecimal("0.01"), null, null, null)), List.of())));
             AccessLogCapture log = new AccessLogCapture(SpendingLimits.class.getName())) {
            upstream.answer(FakeUpstream.sse(
                    "{\"id\":\"c-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},\"finish_reason\":\"stop\"}]}",
                    "{\"id\":\"c-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":900000,\"completion_tokens\":20000}}",
                    "[DONE]"));
            LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
            LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(settings));
            for (int sent = 1; sent <= 2; sent++) {
                assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", KEY)
                        .statusCode()).as("nothing counted: the budget cannot stop it").isEqualTo(200);
                long rows = sent;
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == rows);
            }

            assertThat(log.lines()).containsExactly("budgets cannot count what key 'team' spends on "
                    + "direct,deepseek-chat: the target has no prices and its provider reported no cost (set "
                    + "prices for direct,deepseek-chat under prices: in the configuration)");
        }
    }
}

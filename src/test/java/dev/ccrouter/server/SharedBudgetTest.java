package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one PostgreSQL ledger share a key's budget: what one spends stops the other too, once its
 * background refresh has read the ledger.
 */
class SharedBudgetTest {
    static final String KEY = "ccr-shared-budget-key";

    EmbeddedPostgres postgres;
    FakeUpstream billed;
    FakeUpstream cheap;
    RunningGateway first;
    RunningGateway second;
    LedgerStore ledger;
    LedgerSettings shared;

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        shared = new LedgerSettings(true, postgres.getJdbcUrl("postgres", "postgres"), 10_000,
                Duration.ofMillis(200));
        billed = FakeUpstream.start();
        billed.answer(SpendingLimitsTest.billedStream()); // $0.033525 a request
        cheap = FakeUpstream.start();
        cheap.answer(FakeUpstream.sse(
                "{\"id\":\"gen-2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-2\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                        + "\"total_tokens\":2,\"cost\":0.000001,\"is_byok\":false}}",
                "[DONE]"));
        ledger = new LedgerStore(() -> LedgerDatabase.connect(shared));
        first = RunningGateway.start(billed, withBudget(billed), shared);
        second = RunningGateway.start(cheap, withBudget(cheap), shared);
    }

    private static UnaryOperator<GatewayConfig> withBudget(FakeUpstream upstream) {
        return config -> config
                .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                .withAuth(new AuthSettings(List.of(
                        new ClientKey("team", KEY, new BigDecimal("0.03"), null, null, null)), List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        first.close();
        second.close();
        billed.close();
        cheap.close();
        postgres.close();
    }

    @Test
    void whatOneGatewaySpendsStopsTheOtherAtTheBudget() throws Exception {
        assertThat(send(second).statusCode()).isEqualTo(200);

        assertThat(send(first).statusCode()).isEqualTo(200); // spends $0.033525 of the $0.03
        // both requests are over once their rows are in the ledger; each one's cost counted on its gateway just before
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 2);
        assertThat(send(first).statusCode()).isEqualTo(402);

        // The second gateway's own requests cost a millionth of a dollar each: only the first one's spend, read
        // from the shared ledger, can stop it.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> send(second).statusCode() == 402);
        HttpResponse<String> refused = send(second);
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(refused.body()).contains("\"billing_error\"", "Budget reached: key 'team' has spent $0.03");
        assertThat(billed.requests()).hasSize(1);
    }

    @Test
    void aGatewayStartedAfterTheSpendRefusesFromItsFirstRequest() throws Exception {
        assertThat(send(first).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 1);

        // read from the ledger as it starts, before it listens: a restart does not forget the day's spend
        try (RunningGateway third = RunningGateway.start(cheap, withBudget(cheap), shared)) {
            assertThat(send(third).statusCode()).isEqualTo(402);
        }
        assertThat(cheap.requests()).isEmpty();
    }

    private static HttpResponse<String> send(RunningGateway gateway) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"), "x-api-key", KEY);
    }
}

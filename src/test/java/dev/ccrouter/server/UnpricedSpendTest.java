package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A budget counts what a key spent. When the gateway has no price for the model (the catalog not fetched yet or
 * unreachable, leaving the bundled snapshot's three Claude models; any provider without {@code prices:}), the
 * upstream's own {@code usage.cost} is still what was spent.
 */
class UnpricedSpendTest {
    static final String KEY = "ccr-unpriced-model-key";
    static final String BODY = "{\"model\":\"openrouter,openai/gpt-5.2\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static LedgerStore ledger;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(); // its /models answers 404: the catalog is the bundled snapshot
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-u\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-u\",\"choices\":[],\"usage\":{\"prompt_tokens\":90000,\"completion_tokens\":20000,"
                        + "\"cost\":0.5,\"is_byok\":false}}",
                "[DONE]"));
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                .withAuth(new AuthSettings(List.of(
                        new ClientKey("capped", KEY, new BigDecimal("0.01"), null, null, null)), List.of())));
        LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
        ledger = new LedgerStore(() -> LedgerDatabase.connect(settings));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void whatTheUpstreamSaysItChargedCountsAgainstTheBudget() throws Exception {
        assertThat(post().statusCode()).isEqualTo(200);
        LedgerEntry row = rows(1).getFirst();

        HttpResponse<String> next = post();
        assertThat(next.statusCode()).as("the request after one the upstream charged $%s for, against a $0.01 "
                        + "daily budget (ledger: cost_usd %s)", row.spend().charged(), row.spend().computed())
                .isEqualTo(402);
    }

    private static HttpResponse<String> post() throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key", KEY);
    }

    private static List<LedgerEntry> rows(int expected) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            List<LedgerEntry> rows = new ArrayList<>();
            ledger.forEach(null, null, row -> {
                if ("capped".equals(row.clientKeyId())) {
                    rows.add(row);
                }
            });
            return rows;
        }, rows -> rows.size() == expected);
    }
}

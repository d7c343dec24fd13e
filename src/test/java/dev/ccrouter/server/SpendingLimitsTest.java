package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.ClientKeyId;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Budgets and rate limits of named gateway keys, on the running gateway: the request that crosses a budget finishes,
 * the next one is refused with 402 before anything goes upstream; over a rate, 429 with {@code retry-after}; every
 * refusal is a ledger row.
 */
class SpendingLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One request of {@link #billedStream()} costs $0.033525 and uses 52 300 tokens. */
    static final String DAILY = "ccr-daily-budget-key";
    static final String MONTHLY = "ccr-monthly-budget-key";
    static final String BURST = "ccr-two-per-minute-key";
    static final String TOKENS = "ccr-thousand-tokens-key";
    static final String UNPRICED = "ccr-unpriced-model-key";
    static final String BOTH = "ccr-day-and-month-budget-key";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static LedgerStore ledger;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.answer(billedStream());
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                .withAuth(new AuthSettings(List.of(
                        new ClientKey("daily", DAILY, new BigDecimal("0.03"), null, null, null),
                        new ClientKey("monthly", MONTHLY, null, new BigDecimal("0.05"), null, null),
                        new ClientKey("burst", BURST, null, null, 2, null),
                        new ClientKey(null, TOKENS, null, null, null, 1000),
                        new ClientKey("unpriced", UNPRICED, new BigDecimal("0.01"), null, null, null),
                        new ClientKey("both", BOTH, new BigDecimal("0.03"), new BigDecimal("0.03"), null, null)),
                        List.of())));
        LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
        ledger = new LedgerStore(() -> LedgerDatabase.connect(settings));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void theRequestAfterTheOneThatReachesTheDailyBudgetGets402() throws Exception {
        int before = upstream.requests().size();
        assertThat(send(DAILY).statusCode()).isEqualTo(200);
        rowsOf(DAILY, 1); // the request is over once its row is queued; its cost counted just before

        HttpResponse<String> refused = send(DAILY);
        assertThat(refused.statusCode()).isEqualTo(402);
        String requestId = refused.headers().firstValue("request-id").orElseThrow();
        assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("""
                {"type":"error","error":{"type":"billing_error","message":"Budget reached: key 'daily' has spent \
                $0.0335 of its $0.03 daily budget (auth.keys); requests resume at 00:00 UTC."},"request_id":"%s"}"""
                .formatted(requestId)));
        assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(upstream.requests()).hasSize(before + 1);

        assertThat(rowsOf(DAILY, 2)).extracting(LedgerEntry::httpStatus, LedgerEntry::errorType, LedgerEntry::provider)
                .containsExactly(tuple(200, null, "openrouter"), tuple(402, "billing_error", null));
    }

    @Test
    void aMonthlyBudgetStopsTheKeyOnceSpendReachesIt() throws Exception {
        assertThat(send(MONTHLY).statusCode()).isEqualTo(200);
        rowsOf(MONTHLY, 1);
        assertThat(send(MONTHLY).statusCode()).isEqualTo(200); // admitted at $0.0335 < $0.05; now $0.06705
        rowsOf(MONTHLY, 2);
        HttpResponse<String> refused = send(MONTHLY);
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(error(refused).path("message").asText()).isEqualTo("Budget reached: key 'monthly' has spent "
                + "$0.0670 of its $0.05 monthly budget (auth.keys); requests resume at the first day of next month "
                + "(UTC).");
    }

    /**
     * A key past both budgets is told the monthly one, whose end lets it in again: "requests resume at 00:00 UTC"
     * would send its user back at midnight to the same refusal.
     */
    @Test
    void aKeyPastItsDailyAndMonthlyBudgetsIsToldTheMonthlyOne() throws Exception {
        assertThat(send(BOTH).statusCode()).isEqualTo(200);
        rowsOf(BOTH, 1);

        HttpResponse<String> refused = send(BOTH);
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(error(refused).path("message").asText()).isEqualTo("Budget reached: key 'both' has spent "
                + "$0.0335 of its $0.03 monthly budget (auth.keys); requests resume at the first day of next month "
                + "(UTC).");
    }

    @Test
    void aThirdRequestInOneMinuteGets429WithRetryAfter() throws Exception {
        int before = upstream.requests().size();
        assertThat(send(BURST).statusCode()).isEqualTo(200);
        assertThat(send(BURST).statusCode()).isEqualTo(200);

        HttpResponse<String> limited = send(BURST);
        assertThat(limited.statusCode()).isEqualTo(429);
        String retryAfter = limited.headers().firstValue("retry-after").orElseThrow();
        assertThat(Integer.parseInt(retryAfter)).isBetween(50, 60);
        assertRetryAfterMillisAgrees(limited, retryAfter);
        assertThat(limited.headers().firstValue("x-should-retry")).hasValue("true");
        assertThat(error(limited).path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error(limited).path("message").asText()).isEqualTo("Rate limit: key 'burst' may send 2 requests "
                + "per minute (auth.keys); retry in " + retryAfter + " s.");
        assertThat(upstream.requests()).hasSize(before + 2);

        assertThat(rowsOf(BURST, 3)).extracting(LedgerEntry::httpStatus, LedgerEntry::errorType)
                .containsExactly(tuple(200, null), tuple(200, null), tuple(429, "rate_limit_error"));
    }

    @Test
    void aKeyOverItsTokensPerMinuteGets429UntilTheMinutePasses() throws Exception {
        assertThat(send(TOKENS).statusCode()).isEqualTo(200); // 52 300 tokens, over the 1 000 a minute
        rowsOf(TOKENS, 1);

        HttpResponse<String> limited = send(TOKENS);
        assertThat(limited.statusCode()).isEqualTo(429);
        String retryAfter = limited.headers().firstValue("retry-after").orElseThrow();
        assertThat(Integer.parseInt(retryAfter)).isBetween(50, 60);
        assertRetryAfterMillisAgrees(limited, retryAfter);
        assertThat(error(limited).path("message").asText()).isEqualTo("Rate limit: key '"
                + ClientKeyId.of(TOKENS) + "' may use 1000 tokens per minute (auth.keys); retry in " + retryAfter
                + " s.");
    }

    /**
     * A model the gateway has no price for (the catalog not fetched yet or unreachable, leaving the bundled snapshot's
     * Claude models; any provider without {@code prices:}): what the upstream says it charged is still spent.
     */
    @Test
    void whatTheUpstreamChargedForAModelWithoutAPriceCountsAgainstTheBudget() throws Exception {
        String unpriced = "{\"model\":\"openrouter,openai/gpt-5.2\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-u\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-u\",\"choices\":[],\"usage\":{\"prompt_tokens\":90000,\"completion_tokens\":20000,"
                        + "\"cost\":0.5,\"is_byok\":false}}",
                "[DONE]"));
        try {
            assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", unpriced, "x-api-key", UNPRICED)
                    .statusCode()).isEqualTo(200);
            LedgerEntry row = rowsOf(UNPRICED, 1).getFirst();
            assertThat(row.spend().computed()).as("no price: no computed cost").isNull();

            assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", unpriced, "x-api-key", UNPRICED)
                    .statusCode()).as("after $%s charged on a $0.01 budget", row.spend().charged()).isEqualTo(402);
        } finally {
            upstream.answer(billedStream());
        }
    }

    /**
     * The wait is also said in milliseconds, below a minute: Anthropic's TypeScript SDK takes a {@code retry-after}
     * of 60 s as unreasonable and retries on its own backoff of 0.5 to 8 s instead, spending its retries in the
     * seconds after a burst, while it reads {@code retry-after-ms} first. The whole seconds are that wait rounded up.
     */
    private static void assertRetryAfterMillisAgrees(HttpResponse<String> limited, String retryAfter) {
        long millis = Long.parseLong(limited.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(millis).isBetween(1L, 59_999L);
        assertThat((millis + 999) / 1000).isEqualTo(Long.parseLong(retryAfter));
    }

    private static HttpResponse<String> send(String key) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"), "x-api-key", key);
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    /** The key's ledger rows, oldest first, once all {@code expected} are written. */
    private static List<LedgerEntry> rowsOf(String key, int expected) {
        // Rows name a key by its configured name; the unnamed one by its short hash.
        String id = Map.of(DAILY, "daily", MONTHLY, "monthly", BURST, "burst", UNPRICED, "unpriced",
                BOTH, "both").getOrDefault(key, ClientKeyId.of(key));
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            List<LedgerEntry> rows = new ArrayList<>();
            ledger.forEach(null, null, row -> {
                if (id.equals(row.clientKeyId())) {
                    rows.add(row);
                }
            });
            return rows;
        }, rows -> rows.size() == expected);
    }

    static FakeUpstream.Script billedStream() {
        return FakeUpstream.sse(
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All green.\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-1\",\"choices\":[],\"usage\":" + BillingEndToEndTest.USAGE + "}",
                "[DONE]");
    }
}

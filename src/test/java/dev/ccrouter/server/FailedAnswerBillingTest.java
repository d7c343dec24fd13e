package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream 200 that reports a failure ({@code finish_reason: "error"}, as OpenRouter sends a generation that broke
 * off) together with usage has charged that usage: the client gets its error, and the ledger row carries those tokens
 * and their cost, which the key's budget counts. Before, the row claimed an exact zero (no tokens, no cost, not
 * estimated) and the budget counted nothing. A failure without usage keeps its row without usage.
 *
 * <p>The usage: 10 000 prompt tokens and 300 output tokens of Sonnet 4.6, $0.03 + $0.0045, charged $0.0345.
 */
class FailedAnswerBillingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "ccr-three-cents-a-day-key";
    private static final String USAGE = "{\"prompt_tokens\":10000,\"completion_tokens\":300,\"cost\":0.0345}";
    private static final LedgerEntry.Tokens BILLED = new LedgerEntry.Tokens(10000, 300, 0, 0, 0, 0, false);

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        // without usage, a failed stream's row would wait up to a minute for OpenRouter's record: refused at once
        upstream.generations(FakeUpstream.json(400, "{\"error\":{\"code\":400,\"message\":\"no\"}}"));
        gateway = withCappedKey(upstream);
    }

    /** A gateway on OpenRouter behind one client key, {@link #KEY}, whose daily budget is $0.03. */
    static RunningGateway withCappedKey(FakeUpstream upstream) {
        return RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                .withAuth(new AuthSettings(List.of(
                        new ClientKey("capped", KEY, new BigDecimal("0.03"), null, null, null)), List.of())));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aWholeAnswerThatFailedWithUsageIsBilledAndSpendsTheBudget() throws Exception {
        upstream.answer(failedWhole(",\"usage\":" + USAGE));

        HttpResponse<String> failed = post(false);

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(failed.body()).path("error").path("type").asText()).isEqualTo("api_error");
        LedgerEntry row = gateway.ledgerRows(1).getFirst();
        assertThat(row.httpStatus()).isEqualTo(500);
        assertThat(row.errorType()).isEqualTo("api_error");
        assertThat(row.stopReason()).isNull();
        assertThat(row.tokens()).isEqualTo(BILLED);
        assertThat(row.spend().computed()).isEqualByComparingTo("0.0345");
        assertThat(row.spend().charged()).isEqualByComparingTo("0.0345");
        assertThat(row.spend().residual()).isEqualByComparingTo("0");

        HttpResponse<String> refused = post(false);
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(JSON.readTree(refused.body()).path("error").path("message").asText())
                .startsWith("Budget reached: key 'capped' has spent $0.0345 of its $0.03 daily budget");
    }

    @Test
    void aStreamThatFailedWithUsageIsBilled() throws Exception {
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The partial ans\"}}]}",
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}],"
                        + "\"usage\":" + USAGE + "}",
                "[DONE]"));

        HttpResponse<String> response = post(true);

        assertThat(response.statusCode()).isEqualTo(200);
        List<SseCapture.Frame> frames = SseCapture.frames(response.body());
        assertThat(frames.getLast().event()).isEqualTo("error");
        assertThat(JSON.readTree(frames.getLast().data()).path("error").path("type").asText()).isEqualTo("api_error");
        LedgerEntry row = gateway.ledgerRows(1).getFirst();
        assertThat(row.httpStatus()).isEqualTo(200);
        assertThat(row.errorType()).isEqualTo("api_error");
        assertThat(row.tokens()).isEqualTo(BILLED);
        assertThat(row.spend().computed()).isEqualByComparingTo("0.0345");
        assertThat(row.spend().charged()).isEqualByComparingTo("0.0345");
    }

    @Test
    void aFailureWithoutUsageKeepsItsRowWithoutUsage() throws Exception {
        upstream.answer(failedWhole(""));
        assertThat(post(false).statusCode()).isEqualTo(500);
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The partial ans\"},"
                        + "\"finish_reason\":\"error\"}]}",
                "[DONE]"));
        assertThat(post(true).statusCode()).isEqualTo(200);

        assertThat(gateway.ledgerRows(2)).allSatisfy(row -> {
            assertThat(row.errorType()).isEqualTo("api_error");
            assertThat(row.tokens()).isEqualTo(LedgerEntry.Tokens.NONE);
            assertThat(row.spend()).isEqualTo(LedgerEntry.Spend.UNKNOWN);
        });
        upstream.answer(failedWhole(""));
        assertThat(post(false).statusCode()).as("nothing spent: not refused").isEqualTo(500);
    }

    private static FakeUpstream.Script failedWhole(String usage) {
        return FakeUpstream.json(200, """
                {"id":"gen-1","object":"chat.completion","model":"anthropic/claude-sonnet-4.6",
                 "choices":[{"index":0,"finish_reason":"error","message":{"role":"assistant","content":"The partial ans"}}]%s}"""
                .formatted(usage));
    }

    private HttpResponse<String> post(boolean stream) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted(stream ? "\"stream\":true," : ""), "x-api-key", KEY);
    }
}

package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream whose usage holds a count that is no count ({@code 1e30}, a number past 64 bits, a negative, a text) is
 * treated as one that sent no usage: the client is shown the gateway's estimate, the row is marked estimated and has
 * no cost, and the key's budget is not spent by a figure no request can reach. Before, {@code 1e30} was stored as
 * 2^63 − 1 tokens, the response's {@code X-CCRouter-Cost-Total} said $9,223,372,036,854.775817, and the budget
 * refused the key for good.
 */
class AbsurdUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = FailedAnswerBillingTest.KEY;
    /** The gateway's estimate of {@link BillingEndToEndTest#REQUEST}'s prompt, shown in every message_start. */
    private static final long INPUT_ESTIMATE = 15;
    private static final String NOTE_PREFIX = "the upstream's usage is no report, ";

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        gateway = FailedAnswerBillingTest.withCappedKey(upstream);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aWholeAnswerWithAFloatBeyondAnyPromptIsBilledAsUnreported() throws Exception {
        upstream.answer(whole("{\"prompt_tokens\":1e30,\"completion_tokens\":3,\"cost\":0.0001}"));

        HttpResponse<String> response = post(false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode usage = JSON.readTree(response.body()).path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(INPUT_ESTIMATE);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(3); // "All green.": 10 characters, 4 a token
        assertThat(response.headers().firstValue("X-CCRouter-Tokens-Input")).hasValue(String.valueOf(INPUT_ESTIMATE));
        assertThat(response.headers().firstValue("X-CCRouter-Cost-Total")).isEmpty();
        assertThat(response.headers().firstValue("X-CCRouter-Cost-Upstream")).isEmpty();
        assertThat(response.headers().firstValue("X-CCRouter-Billing-Note")).hasValue(NOTE_PREFIX
                + "prompt_tokens is not a count (a whole number from 0 to 1000000000): token counts are the gateway's "
                + "estimate, cost unknown");

        LedgerEntry row = gateway.ledgerRows(1).getFirst();
        assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(INPUT_ESTIMATE, 3, 0, 0, 0, 0, true));
        assertThat(row.spend()).isEqualTo(LedgerEntry.Spend.UNKNOWN);

        // the key spent nothing that can be counted: it is not refused
        upstream.answer(whole(BillingEndToEndTest.USAGE));
        assertThat(post(false).statusCode()).isEqualTo(200);
    }

    @Test
    void aStreamWhoseCountsAreNoneEndsWithTheEstimateAndARowMarkedSo() throws Exception {
        upstream.generations(FakeUpstream.json(400, "{\"error\":{\"code\":400,\"message\":\"no\"}}")); // no record
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All green.\"},"
                        + "\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":99999999999999999999999,"
                        + "\"completion_tokens\":-1000000,\"cost\":0.0001}}",
                "[DONE]"));

        HttpResponse<String> response = post(true);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode deltaUsage = JSON.readTree(SseCapture.frames(response.body()).stream()
                .filter(frame -> "message_delta".equals(frame.event())).findFirst().orElseThrow().data()).path("usage");
        assertThat(deltaUsage.path("input_tokens").asLong()).isEqualTo(INPUT_ESTIMATE);
        assertThat(deltaUsage.path("output_tokens").asLong()).isEqualTo(3);
        assertThat(response.body()).contains("\"usage_estimated\":true", "\"total\":null", NOTE_PREFIX + "prompt_tokens");

        LedgerEntry row = gateway.ledgerRows(1).getFirst();
        assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(INPUT_ESTIMATE, 3, 0, 0, 0, 0, true));
        assertThat(row.spend()).isEqualTo(LedgerEntry.Spend.UNKNOWN);
    }

    private static FakeUpstream.Script whole(String usage) {
        return FakeUpstream.json(200, """
                {"id":"gen-1","object":"chat.completion","model":"anthropic/claude-sonnet-4.6",
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"All green."}}],
                 "usage":%s}""".formatted(usage));
    }

    private HttpResponse<String> post(boolean stream) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted(stream ? "\"stream\":true," : ""), "x-api-key", KEY);
    }
}

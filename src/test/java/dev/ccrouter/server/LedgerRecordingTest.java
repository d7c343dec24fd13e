package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.ledger.ClientKeyId;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@code /v1/messages} request the running gateway answers, fails or rejects becomes one ledger row with the
 * exact bill the client saw, and counts in {@code /metrics} with the same numbers.
 */
class LedgerRecordingTest {
    static final String SESSION = "0b5d6c1e-7f7e-4a55-9d0e-1c2d3e4f5a6b";

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aStreamedAnswerIsOneRowWithItsExactBill() throws Exception {
        upstream.answer(billedStream());
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"),
                "x-api-key", "sk-or-secret-key", "x-claude-code-session-id", SESSION);
        assertThat(response.statusCode()).isEqualTo(200);

        LedgerEntry row = onlyRow();
        assertThat(row.requestId()).isEqualTo(response.headers().firstValue("request-id").orElseThrow());
        assertThat(row.clientKeyId()).isEqualTo(ClientKeyId.of("sk-or-secret-key")).matches("key_[0-9a-f]{12}");
        assertThat(row.sessionId()).isEqualTo(SESSION);
        assertThat(row.requestedModel()).isEqualTo("claude-sonnet-4-6");
        assertThat(row.upstreamModel()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(row.provider()).isEqualTo("openrouter");
        assertThat(row.route()).isEqualTo("family");
        assertThat(row.stopReason()).isEqualTo("end_turn");
        assertThat(row.stream()).isTrue();
        assertThat(row.httpStatus()).isEqualTo(200);
        assertThat(row.errorType()).isNull();
        assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(500, 300, 48000, 3500, 0, 120, false));
        assertThat(row.spend().computed()).isEqualByComparingTo("0.033525");
        assertThat(row.spend().charged()).isEqualByComparingTo("0.033525");
        assertThat(row.spend().residual()).isEqualByComparingTo("0");
        // 48 000 reads at $3/M instead of $0.30/M
        assertThat(row.spend().cacheSavings()).isEqualByComparingTo(new BigDecimal("0.1296"));
        assertThat(row.ttfbMillis()).isNotNull().isBetween(0L, row.durationMillis());
        assertThat(row.retries()).isZero();
    }

    @Test
    void rejectedAndFailedRequestsAreRowsToo() throws Exception {
        HttpResponse<String> noKey = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted(""));
        assertThat(noKey.statusCode()).isEqualTo(401);
        upstream.answer(FakeUpstream.json(429, "{\"error\":{\"code\":429,\"message\":\"slow down\"}}"));
        HttpResponse<String> limited = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                BillingEndToEndTest.REQUEST.formatted(""), "x-api-key", "sk-test");
        assertThat(limited.statusCode()).isEqualTo(429);

        List<LedgerEntry> rows = gateway.ledgerRows(2);
        assertThat(rows).extracting(LedgerEntry::httpStatus, LedgerEntry::errorType, LedgerEntry::clientKeyId,
                        LedgerEntry::upstreamModel)
                .containsExactly(
                        tuple(401, "authentication_error", null, null),
                        tuple(429, "rate_limit_error", ClientKeyId.of("sk-test"),
                                "anthropic/claude-sonnet-4.6"));
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.tokens()).isEqualTo(LedgerEntry.Tokens.NONE);
            assertThat(row.spend()).isEqualTo(LedgerEntry.Spend.UNKNOWN);
        });
    }

    @Test
    void metricsCountTheSameRequestsInPrometheusText() throws Exception {
        upstream.answer(billedStream());
        for (int i = 0; i < 2; i++) {
            assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages",
                    BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"), "x-api-key", "sk-test").statusCode())
                    .isEqualTo(200);
        }
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", BillingEndToEndTest.REQUEST.formatted(""))
                .statusCode()).isEqualTo(401);

        // Each request is counted once its answer is written, so a scrape may briefly run ahead of the count.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
            List<Sample> samples = parse(scrape.body());

            String sonnet = "anthropic/claude-sonnet-4.6";
            assertThat(value(samples, "ccrouter_requests_total",
                    Map.of("provider", "openrouter", "model", sonnet, "status", "200"))).contains(2.0);
            assertThat(value(samples, "ccrouter_requests_total",
                    Map.of("provider", "none", "model", "none", "status", "401")))
                    .contains(1.0); // rejected before reading
            assertThat(value(samples, "ccrouter_errors_total", Map.of("type", "authentication_error"))).contains(1.0);
            assertThat(value(samples, "ccrouter_tokens_total", Map.of("model", sonnet, "kind", "cache_read")))
                    .contains(96000.0);
            assertThat(value(samples, "ccrouter_tokens_total", Map.of("model", sonnet, "kind", "cache_write")))
                    .contains(7000.0);
            assertThat(value(samples, "ccrouter_cost_usd_total", Map.of("model", sonnet)).orElseThrow())
                    .isCloseTo(0.06705, offset(1e-12));
            assertThat(value(samples, "ccrouter_request_duration_seconds_count",
                    Map.of("provider", "openrouter", "model", sonnet))).contains(2.0);
            assertThat(value(samples, "ccrouter_time_to_first_byte_seconds_bucket",
                    Map.of("provider", "openrouter", "model", sonnet, "le", "+Inf"))).contains(2.0);
            assertThat(value(samples, "ccrouter_open_streams", Map.of())).contains(0.0);
            assertThat(value(samples, "ccrouter_ledger_queue_depth_rows", Map.of())).isPresent();
            assertThat(value(samples, "ccrouter_ledger_dropped_rows_total", Map.of())).contains(0.0);
            assertThat(samples).anyMatch(sample -> sample.name().equals("jvm_memory_used_bytes"));
        });
    }

    /** A stream that ends with {@link BillingEndToEndTest#USAGE}: $0.033525, 48 000 cache reads. */
    private static FakeUpstream.Script billedStream() {
        return FakeUpstream.sse(
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All green.\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-1\",\"choices\":[],\"usage\":" + BillingEndToEndTest.USAGE + "}",
                "[DONE]");
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The Prometheus text format: {@code name{label="value",…} number}, comments skipped. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
            Map<String, String> labels = new HashMap<>();
            if (brace >= 0) {
                String inside = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : inside.split(",(?=[a-zA-Z_]+=\")")) {
                    int equals = pair.indexOf('=');
                    labels.put(pair.substring(0, equals), pair.substring(equals + 2, pair.length() - 1));
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return samples;
    }

    static Optional<Double> value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .map(Sample::value).findFirst();
    }

    private LedgerEntry onlyRow() {
        List<LedgerEntry> rows = gateway.ledgerRows(1);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }
}

package dev.ccrouter.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start's warm-up request goes through the real server to its own in-process upstream and is recorded nowhere: not
 * at the configured upstream, not in the ledger, the metrics, {@code /health}'s count or the access log — each checked
 * against a client's request made after it, which every one of them does record.
 */
class WarmUpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_REQUEST = """
            {"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    @Test
    void theWarmUpIsAnsweredThroughTheServerAndRecordedNowhere() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream);
             AccessLogCapture accessLog = new AccessLogCapture()) {
            assertThat(WarmUp.run(gateway.server())).isEqualTo(200);
            assertThat(upstream.requests()).isEmpty();
            assertThat(health(gateway).path("requests_served").asLong()).isEqualTo(0);

            // A client's request afterwards, naming the warm-up's header with a guess: the configured upstream
            // answers it, and it is the one request the ledger, the metrics, /health and the access log know of.
            upstream.answer(FakeUpstream.text("Hello."));
            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", CLIENT_REQUEST,
                    "x-api-key", "sk-test", "x-ccrouter-warm-up", "0123456789abcdef0123456789abcdef");
            assertThat(response.statusCode()).isEqualTo(200);
            String requestId = response.headers().firstValue("request-id").orElseThrow();
            assertThat(upstream.requests()).hasSize(1);

            LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(
                    LedgerSettings.defaults(gateway.dataDir())));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() >= 1);
            assertThat(rows(ledger)).extracting(LedgerEntry::requestId).containsExactly(requestId);
            assertThat(requestsInMetrics(gateway)).isEqualTo(1.0);
            assertThat(health(gateway).path("requests_served").asLong()).isEqualTo(1);
            assertThat(accessLog.line(requestId)).startsWith(requestId + " status=200 ");
            assertThat(accessLog.lines()).hasSize(1);
        }
    }

    private static JsonNode health(RunningGateway gateway) throws Exception {
        return JSON.readTree(get(gateway, "/health"));
    }

    /** The sum of every {@code ccrouter_requests_total} series in {@code /metrics}. */
    private static double requestsInMetrics(RunningGateway gateway) throws Exception {
        return get(gateway, "/metrics").lines().filter(line -> line.startsWith("ccrouter_requests_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String get(RunningGateway gateway, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static List<LedgerEntry> rows(LedgerStore ledger) throws SQLException {
        List<LedgerEntry> rows = new ArrayList<>();
        ledger.forEach(null, null, rows::add);
        return rows;
    }
}

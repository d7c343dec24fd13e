package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /dashboard/data?since=} takes any ISO date LocalDate does, even ones beyond epoch milliseconds' range; times
 * are in the dashboard's zone.
 */
class DashboardDataDatesTest {
    /** The recent requests' times were UTC, shown unlabelled beside days and a summary in the dashboard's zone. */
    @Test
    void recentRequestsAreTimedInTheDashboardsZone() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.answer(FakeUpstream.sse(GracefulStopTest.ANSWER));
            RunningGateway gateway = RunningGateway.start(upstream);
            try {
                SseCapture.post(gateway.baseUrl() + "/v1/messages", GracefulStopTest.STREAM, "x-api-key", "k");
                HttpClient http = HttpClient.newHttpClient();
                URI data = URI.create(gateway.baseUrl() + "/dashboard/data?tz=Asia/Kolkata");
                JsonNode[] recent = new JsonNode[1];
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    recent[0] = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(data).build(),
                            HttpResponse.BodyHandlers.ofString()).body()).path("recent");
                    return recent[0].size() == 1;
                });
                List<LedgerEntry> rows = new ArrayList<>();
                try (LedgerDatabase ledger = LedgerDatabase.open(LedgerSettings.defaults(gateway.dataDir()))) {
                    ledger.store().forEach(null, null, rows::add);
                }
                Instant arrived = rows.getFirst().time();
                assertThat(recent[0].path(0).path("time").asText()).isEqualTo(
                        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS").format(
                                arrived.atZone(ZoneId.of("Asia/Kolkata"))) + "+05:30");
            } finally {
                gateway.close();
            }
        }
    }

    @Test
    void aSinceFarFromNowIsAnEmptyOrWholeWindowNotAnInternalError() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            RunningGateway gateway = RunningGateway.start(upstream);
            try {
                HttpClient http = HttpClient.newHttpClient();
                for (String since : new String[] {"%2B300000000-01-01", "-300000000-01-01"}) {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(gateway.baseUrl() + "/dashboard/data?since=" + since)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(since).isEqualTo(200);
                    assertThat(response.body()).contains("\"totals\":{\"requests\":0,");
                }
            } finally {
                gateway.close();
            }
        }
    }
}

package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /dashboard/data?since=} takes any ISO date LocalDate does, even ones beyond epoch milliseconds' range. */
class DashboardDataDatesTest {
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

package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.JsonBuffers;
import dev.ccrouter.http.HttpServer;
import dev.ccrouter.http.Routing;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.EveryLogLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's data when the ledger cannot be read: a 503 in the gateway's own words. What the driver said, which
 * may quote the ledger's URL with its password ({@code postgresql://user:secret@host/db}, or {@code user:secret@host}
 * taken for a host), is neither sent to the page nor logged; the page shows the status alone.
 */
class DashboardUnreadableLedgerTest {
    @Test
    void anUnreadableLedgerIsA503InTheGatewaysOwnWordsAndNoneOfTheDriversAnywhere() throws Exception {
        LedgerStore unreadable = new LedgerStore(() -> {
            throw new SQLException("Connection to postgresql://user:secret@db.internal/ledger refused",
                    new SQLException("The connection attempt failed: user:secret@db.internal"));
        });
        ObjectMapper json = JsonBuffers.mapper();
        DashboardHandler dashboard = new DashboardHandler(unreadable, new ErrorResponses(json), json);
        HttpServer server = HttpServer.builder().host("127.0.0.1").port(0)
                .routing(Routing.builder().get("/dashboard/data", dashboard::data).build()).build().start();
        HttpResponse<String> response;
        try (EveryLogLine log = new EveryLogLine()) {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/dashboard/data")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(line -> line.contains("secret") || line.contains("db.internal"));
        } finally {
            server.stop();
        }

        assertThat(response.statusCode()).isEqualTo(503);
        String requestId = response.headers().firstValue("request-id").orElseThrow();
        assertThat(response.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":"
                + "\"The ledger cannot be read right now.\"},\"request_id\":\"" + requestId + "\"}");
    }
}

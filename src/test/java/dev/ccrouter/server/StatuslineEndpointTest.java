package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.cli.LedgerCli;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.StatusLineLedger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /statusline}: the running gateway prints Claude Code's status line, so that the launcher need not start
 * a JVM for it, and prints exactly what {@code ccrouter statusline} prints from the same ledger.
 */
class StatuslineEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path ledgerDir;

    @Test
    void answersClaudeCodesStatusLineJsonWithTheSessionAndTodayAsTheCommandDoes() throws Exception {
        LedgerSettings ledger = StatusLineLedger.seed(ledgerDir);
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, UnaryOperator.identity(), ledger)) {
            HttpResponse<String> response = post(gateway, "/statusline?tz=UTC", StatusLineLedger.CLAUDE_CODE_JSON);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
            assertThat(response.body()).isEqualTo(StatusLineLedger.LINE + "\n");
            assertThat(LedgerCli.statusline(ledger, StatusLineLedger.CLAUDE_CODE_JSON, Clock.systemUTC()).out())
                    .as("ccrouter statusline, when no gateway answers").isEqualTo(response.body());

            assertThat(post(gateway, "/statusline?tz=UTC", "{\"model\":{\"id\":\"claude-sonnet-4-6\"}}").body())
                    .as("without a session id").isEqualTo("ccrouter · today $1.50\n");
            assertThat(post(gateway, "/statusline?tz=UTC", "not json").body())
                    .as("unreadable input still gets a line").isEqualTo("ccrouter · today $1.50\n");
        }
    }

    @Test
    void aGatewayWithoutALedgerSaysSoInTheLine() throws Exception {
        LedgerSettings off = new LedgerSettings(false, LedgerSettings.defaults(ledgerDir).url(), 10, Duration.ofSeconds(1));
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, UnaryOperator.identity(), off)) {
            assertThat(post(gateway, "/statusline", StatusLineLedger.CLAUDE_CODE_JSON).body())
                    .isEqualTo("ccrouter: no ledger (ledger.enabled is false)\n");
        }
    }

    private static HttpResponse<String> post(RunningGateway gateway, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.SeededLedger;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger commands when there is no ledger to read, and {@code serve} when its database is unreachable. */
class LedgerCommandsTest {
    @TempDir
    Path dir;

    @Test
    void statuslineBeforeAnyUsageSaysSoWithoutCreatingALedger() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result result = LedgerCli.statusline(settings, "{\"session_id\":\"s-1\"}", Clock.systemUTC());
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("ccrouter: no usage recorded yet\n");
        assertThat(dir.resolve("ledger.db")).doesNotExist();
    }

    /** sqlite-jdbc takes settings in the URL's query ({@code ledger.url}); the ledger is still the file before it. */
    @Test
    void statuslineReadsASqliteLedgerWhoseUrlHasAQuery() throws Exception {
        LedgerSettings settings = new LedgerSettings(true, LedgerSettings.defaults(dir).url() + "?busy_timeout=3000",
                10_000, Duration.ofMillis(100));
        try (Ledger ledger = Ledger.open(settings)) {
            SeededLedger.ENTRIES.forEach(ledger::record);
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == SeededLedger.ENTRIES.size());
        }
        LedgerCli.Result result = LedgerCli.statusline(settings, "{\"session_id\":\"s-1\"}",
                Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));
        assertThat(result.out()).isEqualTo("ccrouter · session $0.0515 · 55.5k tokens · cache 87% · today $0.0012\n");
    }

    @Test
    void usageWithAnUnknownViewOrDateIsExitTwo() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result view = LedgerCli.usage(settings, "weekly");
        assertThat(view.exitCode()).isEqualTo(2);
        assertThat(view.err()).isEqualTo("ccrouter: unknown view 'weekly': daily, monthly, session, model or key\n");
        LedgerCli.Result date = LedgerCli.usage(settings, "--since", "yesterday");
        assertThat(date.exitCode()).isEqualTo(2);
        assertThat(date.err())
                .isEqualTo("ccrouter: --since must be a date such as 2026-12-01 or 20261201, got 'yesterday'\n");
    }

    /** Years LocalDate accepts but epoch milliseconds cannot hold: nothing that far, or everything, not a stack trace. */
    @Test
    void usageSinceOrUntilFarFromNowIsAnEmptyOrWholeReport() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result future = LedgerCli.usage(settings, "--since", "+300000000-01-01", "--json");
        assertThat(future.err()).isEmpty();
        assertThat(future.exitCode()).isZero();
        LedgerCli.Result past = LedgerCli.usage(settings, "--until", "-300000000-01-01", "--json");
        assertThat(past.err()).isEmpty();
        assertThat(past.exitCode()).isZero();
    }

    @Test
    void serveWithAnUnreachableLedgerDatabaseIsOneLineAndExitTwo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), """
                server:
                  port: 0
                ledger:
                  url: jdbc:postgresql://127.0.0.1:%d/ccrouter?password=hunter2
                """.formatted(closedPort));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--config", config.toString(), "--data-dir", dir.toString())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertThat(serve.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(serve.exitValue()).isEqualTo(2);
        List<String> err = Files.readAllLines(dir.resolve("err.txt")).stream()
                .filter(line -> !line.startsWith("WARNING:")).toList(); // the JDK's own notes about native access
        assertThat(err).containsExactly("ccrouter: ledger database jdbc:postgresql://127.0.0.1:" + closedPort
                + "/ccrouter is unreachable: Connection refused (ledger.url; ledger.enabled: false runs without a ledger)");
    }
}

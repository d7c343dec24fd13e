package dev.ccrouter.ledger;

import static dev.ccrouter.ledger.LedgerWriterTest.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.LedgerSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger whose database opens beside the gateway's start: nothing recorded meanwhile is lost. */
class LedgerOpeningTest {
    @TempDir
    Path dir;

    @Test
    void rowsRecordedWhileTheDatabaseOpensAreAllWritten() throws Exception {
        LedgerSettings settings = new LedgerSettings(true, LedgerSettings.defaults(dir).url(), 10_000,
                Duration.ofMillis(10));
        try (Ledger ledger = Ledger.opening(settings)) {
            for (int n = 0; n < 3000; n++) {
                assertThat(ledger.writer().record(row(n))).isTrue();
            }
        }
        try (Ledger reopened = Ledger.open(settings)) {
            assertThat(reopened.store().count()).isEqualTo(3000);
        }
    }

    /** The pool's threads (its housekeeper, the connection adder and closer) have ended when close returns. */
    @Test
    void aClosedLedgerLeavesNoPoolThreadRunning() {
        LedgerSettings settings = new LedgerSettings(true, LedgerSettings.defaults(dir).url(), 10_000,
                Duration.ofMillis(10));
        for (int round = 0; round < 5; round++) {
            try (Ledger ledger = Ledger.open(settings)) {
                assertThat(ledger.writer().record(row(round))).isTrue();
            }

            assertThat(Thread.getAllStackTraces().keySet()).as("round " + round)
                    .noneMatch(thread -> thread.getName().startsWith("ccrouter-ledger-pool"));
        }
    }

    @Test
    void anUnreachableDatabaseIsSaidWhenTheOpeningIsAwaited() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Ledger ledger = Ledger.opening(new LedgerSettings(true, "jdbc:postgresql://127.0.0.1:" + closedPort + "/ledger",
                100, Duration.ofSeconds(1)));

        assertThatThrownBy(ledger::awaitOpen)
                .isInstanceOf(LedgerUnavailableException.class)
                .hasMessage("ledger database jdbc:postgresql://127.0.0.1:" + closedPort + "/ledger is unreachable: "
                        + "Connection refused (ledger.url; ledger.enabled: false runs without a ledger)");
    }
}

package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.LedgerSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger database that cannot be reached at start is one clear line, without the URL's password. */
class LedgerUnavailableTest {
    @TempDir
    Path dir;

    @Test
    void aPostgresServerThatIsNotThereIsOneLineWithoutThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/ledger?user=ccrouter&password=s3cret";
        assertThatThrownBy(() -> Ledger.open(new LedgerSettings(true, url, 100, Duration.ofSeconds(1))))
                .isInstanceOf(LedgerUnavailableException.class)
                .hasMessage("ledger database jdbc:postgresql://127.0.0.1:" + closedPort + "/ledger is unreachable: "
                        + "Connection refused (ledger.url; ledger.enabled: false runs without a ledger)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("\n"));
    }

    @Test
    void aSqliteFileThatCannotBeCreatedSaysWhere() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        LedgerSettings settings = LedgerSettings.defaults(notADirectory.resolve("sub"));
        assertThatThrownBy(() -> Ledger.open(settings))
                .isInstanceOf(LedgerUnavailableException.class)
                .hasMessageStartingWith("ledger database jdbc:sqlite:" + notADirectory.resolve("sub/ledger.db")
                        + ": cannot create directory " + notADirectory.resolve("sub"));
    }
}

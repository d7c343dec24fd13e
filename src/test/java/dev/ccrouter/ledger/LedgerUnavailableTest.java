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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /**
     * The driver's own message may quote the URL (one it cannot parse) or its user information (taken for a host
     * name when a password is written before the host, which PostgreSQL's driver does not read there): the line shows
     * the URL as every message does and none of its password.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://u:PGLEAKPW2@127.0.0.1:1/db | jdbc:postgresql://u:…@127.0.0.1:1/db | u:…@127.0.0.1",
            "jdbc:postgresql://127.0.0.1:abc/db?password=PGLEAKPW4 | jdbc:postgresql://127.0.0.1:abc/db"
                    + " | Unable to parse URL jdbc:postgresql://127.0.0.1:abc/db",
            "jdbc:postgresql://127.0.0.1:abc/db?user=u&sslpassword=PGLEAKPW5 | jdbc:postgresql://127.0.0.1:abc/db"
                    + " | Unable to parse URL jdbc:postgresql://127.0.0.1:abc/db",
    })
    void whatTheDriverSaysCarriesNoPasswordOfTheUrl(String url, String shown, String why) {
        assertThatThrownBy(() -> Ledger.open(new LedgerSettings(true, url, 100, Duration.ofSeconds(1))))
                .isInstanceOf(LedgerUnavailableException.class)
                .hasMessage("ledger database " + shown + " is unreachable: " + why
                        + " (ledger.url; ledger.enabled: false runs without a ledger)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PGLEAKPW"));
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

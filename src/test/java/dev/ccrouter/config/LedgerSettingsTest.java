package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ledger:} section: SQLite in the data directory unless a file says otherwise, checked like the rest. */
class LedgerSettingsTest {
    @TempDir
    Path dir;

    private LedgerSettings load(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), yaml);
        return new ConfigLoader(Map.of("CCROUTER_DATA_DIR", dir.resolve("data").toString()))
                .loadLedger(new ConfigLoader.Flags(null, null, null, file, null));
    }

    @Test
    void byDefaultASqliteFileInTheDataDirectory() throws IOException {
        assertThat(load("{}")).isEqualTo(new LedgerSettings(true, "jdbc:sqlite:" + dir.resolve("data/ledger.db"),
                10_000, Duration.ofSeconds(1)));
    }

    @Test
    void aPostgresUrlAndLimitsFromTheFile() throws IOException {
        LedgerSettings settings = load("""
                ledger:
                  url: jdbc:postgresql://db.internal:5432/ccrouter?user=ccrouter&password=pw
                  queue_size: 500
                  batch_interval_ms: 250
                """);
        assertThat(settings).isEqualTo(new LedgerSettings(true,
                "jdbc:postgresql://db.internal:5432/ccrouter?user=ccrouter&password=pw", 500, Duration.ofMillis(250)));
        assertThat(settings.isPostgres()).isTrue();
        assertThat(settings.displayUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/ccrouter");
        assertThat(new LedgerSettings(true, "jdbc:postgresql://ccrouter:pw@db.internal:5432/ccrouter", 500,
                Duration.ofMillis(250)).displayUrl())
                .isEqualTo("jdbc:postgresql://ccrouter:…@db.internal:5432/ccrouter");
    }

    @Test
    void unusableValuesNameTheSettingAndNeverShowThePassword() {
        assertThatThrownBy(() -> load("ledger:\n  url: jdbc:mysql://db/x?password=pw\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ledger.url in ")
                .hasMessageEndingWith(" must be a jdbc:sqlite: or jdbc:postgresql: URL, or empty for SQLite in the "
                        + "data directory")
                .message().doesNotContain("pw").doesNotContain("mysql");
        assertThatThrownBy(() -> load("ledger:\n  queue_size: 0\n"))
                .hasMessageStartingWith("ledger.queue_size in ")
                .hasMessageEndingWith(" must be a whole number from 1 to 10000000, got '0'");
        assertThatThrownBy(() -> load("ledger:\n  enabled: maybe\n"))
                .hasMessageStartingWith("ledger.enabled in ")
                .hasMessageEndingWith(" must be true or false, got 'maybe'");
    }

    @Test
    void disabled() throws IOException {
        assertThat(load("ledger:\n  enabled: false\n").enabled()).isFalse();
    }
}

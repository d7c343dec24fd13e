package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.testing.EveryLogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The ledger's contract on SQLite, the default: a WAL file in the data directory. */
class SqliteLedgerTest extends LedgerContract {
    @Override
    LedgerSettings freshLedger() {
        return LedgerSettings.defaults(dir);
    }

    @Test
    void connectionsWriteAheadSyncAtCheckpointsAndKeepStatementJournalsInMemory() throws Exception {
        LedgerSettings settings = freshLedger();
        try (LedgerDatabase database = LedgerDatabase.open(settings);
             Connection connection = database.connection();
             Statement statement = connection.createStatement()) {
            assertThat(pragma(statement, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(statement, "synchronous")).isEqualTo("1"); // NORMAL
            assertThat(pragma(statement, "temp_store")).isEqualTo("2"); // MEMORY
        }
    }

    /**
     * sqlite-jdbc logs each statement it runs itself at TRACE, the key of a {@code ?password=} among them
     * ({@code [SQLite EXEC] pragma key = '…'}): its loggers are held above DEBUG whatever level the gateway logs at.
     */
    @Test
    void aPasswordInTheUrlReachesNoLogLineAtAnyLevel() throws Exception {
        String password = "PLANTEDsqlitePassword7f3a";
        LedgerSettings settings = new LedgerSettings(true, freshLedger().url() + "?password=" + password, 10_000,
                Duration.ofSeconds(1));
        List<String> lines = new ArrayList<>();
        try (EveryLogLine log = new EveryLogLine()) {
            try (Ledger ledger = Ledger.open(settings)) {
                ledger.record(SeededLedger.ENTRIES.get(0));
                await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 1);
            }
            log.events().forEach(event -> lines.add(event.getLoggerName() + " " + event.getFormattedMessage()));
        }

        assertThat(lines).noneMatch(line -> line.contains(password));
    }

    /**
     * Two processes opening a new ledger at once (two gateways, a gateway and {@code ccrouter usage}) both set it up,
     * and SQLite refuses whichever finds the database locked by the other past its wait: that one used to fail
     * ("could not be set up: [SQLITE_BUSY] …") instead of setting it up again once the other was done. Here the other
     * has begun its history and holds the database while it creates the tables.
     */
    @Test
    void aNewLedgerLockedByAnotherProcessSettingItUpIsSetUpOnceThatEnds() throws Exception {
        LedgerSettings settings = new LedgerSettings(true, freshLedger().url() + "?busy_timeout=300", 10_000,
                Duration.ofSeconds(1));
        Flyway.configure().dataSource(settings.url(), null, null).baselineVersion(SchemaHistory.BASELINE).load()
                .baseline();
        Logger migration = (Logger) LoggerFactory.getLogger(SchemaMigration.class);
        CountDownLatch refused = new CountDownLatch(1);
        AppenderBase<ILoggingEvent> log = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                refused.countDown();
            }
        };
        log.setContext(migration.getLoggerContext());
        log.start();
        migration.addAppender(log);
        try (Connection other = LedgerDatabase.connect(settings); Statement lock = other.createStatement()) {
            lock.execute("BEGIN EXCLUSIVE");
            CompletableFuture<Ledger> opening = CompletableFuture.supplyAsync(() -> Ledger.open(settings));
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.getCount() == 0 || opening.isDone());
            assertThat(opening).as("the first run, refused, waits to run again").isNotDone();
            lock.execute("COMMIT");

            try (Ledger ledger = opening.get(30, TimeUnit.SECONDS)) {
                assertThat(ledger.store().count()).isZero();
            }
        } finally {
            migration.detachAppender(log);
        }
    }

    /**
     * A ledger file deleted while the gateway runs ({@code rm ~/.ccrouter/ledger.db*} to clear it, or the database
     * alone): the rows after it went on into the deleted file, which no other process sees (one found an empty
     * database without the table) and which was gone with the gateway. The writer starts a new ledger at its place,
     * says so, and writes the rows there, where the gateway and any other process read them.
     */
    @ParameterizedTest(name = "its write-ahead files deleted too: {0}")
    @ValueSource(booleans = {true, false})
    void aLedgerDeletedWhileRunningStartsAfreshWithTheRowsThatCameAfter(boolean withItsWal) throws Exception {
        LedgerSettings settings = freshLedger();
        Path file = Path.of(settings.url().substring("jdbc:sqlite:".length()));
        try (EveryLogLine log = new EveryLogLine(); Ledger ledger = Ledger.open(settings)) {
            ledger.record(SeededLedger.ENTRIES.get(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 1);

            Files.delete(file);
            if (withItsWal) {
                Files.deleteIfExists(Path.of(file + "-wal"));
                Files.deleteIfExists(Path.of(file + "-shm"));
            }
            ledger.record(SeededLedger.ENTRIES.get(1));
            ledger.record(SeededLedger.ENTRIES.get(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 3);

            assertThat(ledger.store().count()).isEqualTo(2);
            assertThat(requestIds(settings)).containsExactly(SeededLedger.ENTRIES.get(1).requestId(),
                    SeededLedger.ENTRIES.get(2).requestId());
            assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage).contains("ledger database " + file
                    + " was deleted while the gateway ran: going on in a new one there (what the deleted file held is"
                    + " gone; spend and usage count from now on)");
            assertThat(ledger.writer().dropped()).isZero();
        }
    }

    /**
     * A ledger deleted and made anew before the gateway wrote again ({@code rm}, then {@code ccrouter usage}, which
     * sets a new one up; or a connection the pool opened on the path): the file is there, but not the one the
     * gateway writes to. Its rows go to the one at the path, which every other process reads.
     */
    @Test
    void aLedgerDeletedAndMadeAnewByAnotherProcessGetsTheRowsThatCameAfter() throws Exception {
        LedgerSettings settings = freshLedger();
        Path file = Path.of(settings.url().substring("jdbc:sqlite:".length()));
        try (Ledger ledger = Ledger.open(settings)) {
            ledger.record(SeededLedger.ENTRIES.get(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 1);

            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
            LedgerDatabase.open(settings).close(); // as `ccrouter usage` opens it: a new ledger, set up
            ledger.record(SeededLedger.ENTRIES.get(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 2);

            assertThat(requestIds(settings)).containsExactly(SeededLedger.ENTRIES.get(1).requestId());
            assertThat(ledger.store().count()).isEqualTo(1);
        }
    }

    /** The request ids in the ledger, in their order, as another process reads them. */
    private static List<String> requestIds(LedgerSettings settings) throws Exception {
        try (Connection another = LedgerDatabase.connect(settings); Statement query = another.createStatement();
             ResultSet ids = query.executeQuery("SELECT request_id FROM ledger_entry ORDER BY id")) {
            List<String> read = new ArrayList<>();
            while (ids.next()) {
                read.add(ids.getString(1));
            }
            return read;
        }
    }

    private static String pragma(Statement statement, String name) throws Exception {
        try (ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}

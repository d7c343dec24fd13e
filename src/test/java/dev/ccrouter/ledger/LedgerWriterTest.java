package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.testing.DriverMessages;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The writer never makes a request wait: a stalled database fills the bounded queue, then rows are dropped. */
class LedgerWriterTest {
    @TempDir
    Path dir;

    static LedgerEntry row(int n) {
        return new LedgerEntry(Instant.ofEpochMilli(1_000_000L + n), "req_" + n, "key_a", "s-1", "claude-sonnet-4-6",
                null, "openrouter.ai", "anthropic/claude-sonnet-4.6", true, 200, null, null,
                new LedgerEntry.Tokens(10, 5, 0, 0, 0, 0, false), LedgerEntry.Spend.UNKNOWN, 3L, 9, 0, 0);
    }

    /** A SQLite ledger in the test's directory with this queue and interval. */
    private LedgerSettings queued(int queueSize, Duration interval) {
        return new LedgerSettings(true, LedgerSettings.defaults(dir).url(), queueSize, interval);
    }

    @Test
    void aStalledDatabaseNeverBlocksRecordingAndAFullQueueDropsRows() throws Exception {
        try (LedgerDatabase database = LedgerDatabase.open(LedgerSettings.defaults(dir))) {
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            LedgerStore stalling = new LedgerStore(() -> {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return database.connection();
            });
            LedgerWriter writer = new LedgerWriter(stalling, queued(100, Duration.ofMillis(20)));
            assertThat(writer.record(row(0))).isTrue();
            assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds row 0, waiting for the database

            long slowest = 0;
            int accepted = 0;
            for (int n = 1; n <= 1000; n++) {
                long start = System.nanoTime();
                accepted += writer.record(row(n)) ? 1 : 0;
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            assertThat(accepted).isEqualTo(100);
            assertThat(writer.dropped()).isEqualTo(900);
            assertThat(writer.depth()).isEqualTo(101);
            // a record() waiting on the stalled database would wait until the release below: any bound tells them apart
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 101);
            writer.close();
            assertThat(database.store().count()).isEqualTo(101);
            assertThat(writer.depth()).isZero();
        }
    }

    @Test
    void closingWritesEverythingQueued() throws Exception {
        LedgerSettings settings = new LedgerSettings(true, LedgerSettings.defaults(dir).url(), 100_000,
                Duration.ofSeconds(60)); // no timed flush would happen during this test
        try (Ledger ledger = Ledger.open(settings)) {
            for (int n = 0; n < 5000; n++) {
                ledger.record(row(n));
            }
            assertThat(ledger.writer().written()).isZero();
            ledger.writer().close();
            assertThat(ledger.store().count()).isEqualTo(5000);
        }
    }

    /** A row that comes after the close is not a "full queue": the warning says what happened to which request. */
    @Test
    void aRowAfterTheCloseIsDroppedAndSaidSo() throws Exception {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(LedgerWriter.class);
        warnings.start();
        log.addAppender(warnings);
        try (Ledger ledger = Ledger.open(LedgerSettings.defaults(dir))) {
            ledger.writer().close();

            assertThat(ledger.writer().record(row(7))).isFalse();

            assertThat(ledger.writer().dropped()).isEqualTo(1);
            assertThat(ledger.store().count()).isZero();
            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                    "ledger closed: the row of req_7 ended after the gateway's stop and is not written");
        } finally {
            log.detachAppender(warnings);
        }
    }

    /**
     * A database that does not answer at the close (PostgreSQL's pool waits 5 s for a connection): the rows left are
     * said to be lost when close() returns, not by a writer still waiting after the process has gone.
     */
    @Test
    void rowsLeftWithADatabaseThatDoesNotAnswerAtTheCloseAreSaidLost() throws Exception {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(LedgerWriter.class);
        warnings.start();
        log.addAppender(warnings);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LedgerStore unanswering = new LedgerStore(() -> {
            stalled.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLException("the pool is closed");
        });
        try {
            LedgerWriter writer = new LedgerWriter(unanswering, queued(100, Duration.ofMillis(20)),
                    Duration.ofMillis(100));
            writer.record(row(0));
            assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
            writer.record(row(1));
            writer.record(row(2));

            writer.close();

            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("ledger: database unreachable at shutdown, 3 rows not written");
        } finally {
            release.countDown();
            log.detachAppender(warnings);
        }
    }

    /**
     * A write that fails while the gateway runs is said with what the driver says, which may quote the database's URL
     * or the user information before its host: the warning shows them as the opening's error does, without the
     * password.
     */
    @ParameterizedTest
    @MethodSource("dev.ccrouter.testing.DriverMessages#quotingThePassword")
    void theWarningOfAFailedWriteCarriesNoPasswordOfTheUrl(DriverMessages.Quoting failure) {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(LedgerWriter.class);
        warnings.start();
        log.addAppender(warnings);
        LedgerStore refusing = new LedgerStore(() -> {
            throw new SQLException(failure.driverSays());
        });
        try (LedgerWriter writer = new LedgerWriter(refusing, new LedgerSettings(true, failure.url(), 100,
                Duration.ofMillis(20)),
                Duration.ofMillis(100))) {
            writer.record(row(0));

            await().atMost(Duration.ofSeconds(10)).until(() -> !warnings.list.isEmpty());
            assertThat(warnings.list.getFirst().getFormattedMessage()).isEqualTo("ledger database unavailable ("
                    + failure.shown() + "): keeping up to 101 rows until it returns");
        } finally {
            log.detachAppender(warnings);
        }
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("secret"));
    }

    /** Rows that keep coming are written in small batches soon after they arrive, not saved up for a whole interval. */
    @Test
    void whileRowsKeepComingTheyAreWrittenWithinABusyTickNotAnInterval() throws Exception {
        try (LedgerDatabase database = LedgerDatabase.open(LedgerSettings.defaults(dir));
             LedgerWriter writer = new LedgerWriter(new LedgerStore(database::connection),
                     queued(1000, Duration.ofSeconds(4)))) {
            writer.record(row(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 1); // the first interval ends
            long start = System.nanoTime();
            writer.record(row(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }
}

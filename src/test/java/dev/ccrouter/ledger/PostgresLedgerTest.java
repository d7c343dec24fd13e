package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.LedgerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ledger's contract on PostgreSQL (a real server, embedded), a fresh database per test. */
class PostgresLedgerTest extends LedgerContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Override
    LedgerSettings freshLedger() {
        String name = "ledger_" + DATABASES.incrementAndGet();
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new LedgerSettings(true, postgres.getJdbcUrl("postgres", name), 10_000, Duration.ofMillis(200));
    }

    /**
     * A long read ({@code ccrouter usage}, the dashboard's month) holds a thousand rows at a time, not the whole
     * result: while the first rows are being read, the server still has the rest to send (its session waits in the
     * read's transaction); read whole, it would be done and idle.
     */
    @Test
    void aLongReadComesAThousandRowsAtATime() throws Exception {
        LedgerSettings settings = freshLedger();
        LedgerEntry seed = SeededLedger.ENTRIES.getFirst();
        List<LedgerEntry> rows = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            rows.add(new LedgerEntry(seed.time().plusMillis(i), "req_" + i, seed.clientKeyId(), seed.sessionId(),
                    seed.requestedModel(), seed.route(), seed.provider(), seed.upstreamModel(), seed.stream(),
                    seed.httpStatus(), seed.errorType(), seed.stopReason(), seed.tokens(), seed.spend(),
                    seed.ttfbMillis(), seed.durationMillis(), 0, 0));
        }
        try (Ledger ledger = Ledger.open(settings); LedgerInserts inserts = ledger.store().inserts()) {
            inserts.insert(rows);
            AtomicInteger read = new AtomicInteger();
            List<String> readerState = new ArrayList<>();
            ledger.store().forEach(null, null, entry -> {
                if (read.incrementAndGet() == 1) {
                    readerState.add(readersState(settings));
                }
            });
            assertThat(read).hasValue(2_500);
            assertThat(readerState).containsExactly("idle in transaction");
        }
    }

    /** The state of the session reading the ledger, seen from another. */
    private static String readersState(LedgerSettings settings) {
        try (Connection other = LedgerDatabase.connect(settings);
             Statement statement = other.createStatement();
             ResultSet state = statement.executeQuery("SELECT state FROM pg_stat_activity WHERE pid <> "
                     + "pg_backend_pid() AND datname = current_database() AND query LIKE '%FROM ledger_entry WHERE ts >=%'")) {
            return state.next() ? state.getString(1) : "no such session";
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

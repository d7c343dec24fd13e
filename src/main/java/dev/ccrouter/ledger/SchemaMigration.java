package dev.ccrouter.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.ccrouter.config.LedgerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a ledger database's schema up to date with Flyway (one set of migrations for both databases, whose only
 * difference, the auto-numbered key, is a placeholder). Only when {@link SchemaHistory} says it is not current: in a
 * class of its own so that opening a current database loads (and verifies) no Flyway class at all.
 */
final class SchemaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);
    /**
     * Runs on SQLite at most this often: two processes opening a new SQLite ledger at once (two gateways, or a
     * gateway and {@code ccrouter usage}) set it up together, and SQLite refuses the one whose transaction read
     * before the other's write ({@code SQLITE_BUSY}, {@code SQLITE_BUSY_SNAPSHOT}) instead of waiting; run again once
     * the other's write is over, it finds the other's work done, or does it. (PostgreSQL's runs wait for each other:
     * Flyway locks.)
     */
    private static final int SQLITE_RUNS = 3;

    private SchemaMigration() {
    }

    /** @throws LedgerUnavailableException when it fails, having closed the pool */
    static void migrate(LedgerSettings settings, HikariDataSource pool) {
        for (int run = 1; ; run++) {
            try {
                configuration(settings).dataSource(pool).load().migrate();
                return;
            } catch (FlywayException e) {
                String why = LedgerDatabase.why(settings, e);
                if (run < SQLITE_RUNS && !settings.isPostgres() && why.contains("SQLITE_BUSY")) {
                    LOG.info("ledger database {} being set up by another process too ({}): setting it up again",
                            settings.displayUrl(), why);
                    awaitOtherWriter(pool);
                    continue;
                }
                pool.close();
                throw new LedgerUnavailableException("ledger database " + settings.displayUrl()
                        + " could not be set up: " + why);
            }
        }
    }

    /**
     * Waits until no other connection is writing to the SQLite database (its busy timeout at most): a transaction
     * begun for writing waits for the lock, where Flyway's, which read first, was refused at once.
     */
    private static void awaitOtherWriter(HikariDataSource pool) {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("ROLLBACK");
        } catch (SQLException stillBusy) {
            // the next run tries anyway, and says why if it fails
        }
    }

    /** Flyway as the ledger runs it, but for the database (a test takes a database to an older version too). */
    static FluentConfiguration configuration(LedgerSettings settings) {
        return Flyway.configure()
                .locations("classpath:ccrouter/db/ledger")
                .placeholders(Map.of("id_column", settings.isPostgres()
                        ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"))
                // A database that already holds other tables (an application's PostgreSQL database) gets the
                // ledger beside them: Flyway would refuse a non-empty schema without its history. The baseline
                // is version 0, before every migration, so that all of them run.
                .baselineOnMigrate(true)
                .baselineVersion(SchemaHistory.BASELINE);
    }
}

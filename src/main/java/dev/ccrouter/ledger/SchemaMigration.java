package dev.ccrouter.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.ccrouter.config.LedgerSettings;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings a ledger database's schema up to date with Flyway (one set of migrations for both databases, whose only
 * difference, the auto-numbered key, is a placeholder). Only when {@link SchemaHistory} says it is not current: in a
 * class of its own so that opening a current database loads (and verifies) no Flyway class at all.
 */
final class SchemaMigration {
    private SchemaMigration() {
    }

    /** @throws LedgerUnavailableException when it fails, having closed the pool */
    static void migrate(LedgerSettings settings, HikariDataSource pool) {
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:ccrouter/db/ledger")
                    .placeholders(Map.of("id_column", settings.isPostgres()
                            ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"))
                    // A database that already holds other tables (an application's PostgreSQL database) gets the
                    // ledger beside them: Flyway would refuse a non-empty schema without its history. The baseline
                    // is version 0, before every migration, so that all of them run.
                    .baselineOnMigrate(true)
                    .baselineVersion(SchemaHistory.BASELINE)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new LedgerUnavailableException("ledger database " + settings.displayUrl()
                    + " could not be set up: " + LedgerDatabase.rootMessage(e));
        }
    }
}

package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.LedgerSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

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

    private static String pragma(Statement statement, String name) throws Exception {
        try (ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}

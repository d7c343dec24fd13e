package dev.ccrouter.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a ledger database's schema is already current, read from Flyway's own history table: then opening it needs
 * no Flyway at all. Loading Flyway to find nothing to do was most of the ledger's opening (its classes, its scan of
 * the migrations, its parsers; megabytes of the gateway's idle heap and metaspace), on every start after the first.
 */
final class SchemaHistory {
    /** The versions of the migrations in {@code ccrouter/db/ledger}, in order: a new migration is added here too. */
    static final List<String> MIGRATIONS = List.of("1", "2");
    /**
     * The version Flyway records, before the migrations, when it found the database holding other tables
     * ({@link SchemaMigration}); not a migration.
     */
    static final String BASELINE = "0";

    private SchemaHistory() {
    }

    /**
     * Whether the history holds exactly {@link #MIGRATIONS}, each applied successfully. Anything else (no history
     * yet, a migration missing, failed or unknown to this build, a database that cannot say) is Flyway's to handle.
     */
    static boolean isCurrent(Connection connection) {
        List<String> applied = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version, success FROM flyway_schema_history"
                     + " WHERE version IS NOT NULL AND version <> '" + BASELINE + "' ORDER BY installed_rank")) {
            while (rows.next()) {
                if (!rows.getBoolean("success")) {
                    return false;
                }
                applied.add(rows.getString("version"));
            }
        } catch (SQLException noHistory) {
            return false;
        }
        return applied.equals(MIGRATIONS);
    }
}

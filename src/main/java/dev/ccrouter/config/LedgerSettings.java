package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code ledger:} section: where every request's usage and cost is kept.
 *
 * @param enabled       false keeps no ledger (nothing is written, {@code ccrouter usage} has nothing to read)
 * @param url           a JDBC URL: {@code jdbc:sqlite:<file>} (the default, {@code <data_dir>/ledger.db}) or
 *                      {@code jdbc:postgresql://host/db?user=…&password=…} for several instances on one database
 * @param queueSize     rows waiting for the database at most; when full, new rows are counted as dropped
 * @param batchInterval rows are written at least this often (a {@code kill -9} loses at most this much)
 */
public record LedgerSettings(boolean enabled, String url, int queueSize, Duration batchInterval) {

    /** The ledger a gateway keeps unless configured otherwise: SQLite in its data directory. */
    public static LedgerSettings defaults(Path dataDir) {
        return new LedgerSettings(true, sqliteUrl(dataDir), 10_000, Duration.ofSeconds(1));
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** The URL without its query (where a password may be), for messages. */
    public String displayUrl() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    static LedgerSettings from(JsonNode section, Path dataDir) {
        LedgerSettings defaults = defaults(dataDir);
        JsonNode url = section.path("url");
        String jdbcUrl = url.isMissingNode() || url.isNull() || url.asText().isBlank() ? defaults.url : url.asText().strip();
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("ledger.url must be a jdbc:sqlite: or jdbc:postgresql: URL, got '"
                    + jdbcUrl.replaceAll("\\?.*", "") + "'");
        }
        JsonNode enabled = section.path("enabled");
        if (!enabled.isMissingNode() && !enabled.isBoolean()) {
            throw new ConfigException("ledger.enabled must be true or false, got '" + enabled.asText() + "'");
        }
        return new LedgerSettings(enabled.asBoolean(true), jdbcUrl,
                (int) whole(section, "queue_size", defaults.queueSize, 1, 10_000_000),
                Duration.ofMillis(whole(section, "batch_interval_ms", defaults.batchInterval.toMillis(), 10, 60_000)));
    }

    private static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.resolve("ledger.db");
    }

    private static long whole(JsonNode section, String field, long fallback, long min, long max) {
        JsonNode value = section.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw new ConfigException("ledger." + field + " must be a whole number between " + min + " and " + max
                    + ", got '" + value.asText() + "'");
        }
        return value.asLong();
    }
}

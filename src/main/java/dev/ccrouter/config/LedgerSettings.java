package dev.ccrouter.config;

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

    /**
     * Whether this is the ledger a gateway keeps in that data directory when {@code ledger.url} is left empty:
     * SQLite's {@code ledger.db} there.
     */
    public boolean keptIn(Path dataDir) {
        return url.equals(sqliteUrl(dataDir));
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /**
     * The URL for messages: PostgreSQL's as any service's address is shown ({@link Secrets#maskAddress}), no password,
     * no query; SQLite's without its query. That one names a file, whose path may hold an '@' that is no user's (a
     * home directory named user@domain), and any password it has is in its query.
     */
    public String displayUrl() {
        if (isPostgres()) {
            return Secrets.maskAddress(url);
        }
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** As a record shows itself, but with the URL as {@link #displayUrl} shows it. */
    @Override
    public String toString() {
        return "LedgerSettings[enabled=" + enabled + ", url=" + displayUrl() + ", queueSize=" + queueSize
                + ", batchInterval=" + batchInterval + "]";
    }

    private static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.resolve("ledger.db");
    }
}

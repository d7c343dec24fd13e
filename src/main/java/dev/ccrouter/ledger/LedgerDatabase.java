package dev.ccrouter.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ccrouter.config.LedgerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The ledger's database, SQLite or PostgreSQL, with its schema brought up to date (Flyway; one set of migrations
 * for both, whose only difference, the auto-numbered key, is a placeholder). SQLite runs in WAL mode so that {@code ccrouter usage} reads while a gateway
 * writes; PostgreSQL is shared by every instance of a fleet.
 */
public final class LedgerDatabase implements AutoCloseable {
    /** Seconds to wait for a database at start before saying it is unreachable. */
    private static final int CONNECT_SECONDS = 5;

    private final LedgerSettings settings;
    private final HikariDataSource pool;
    private final PoolThreads poolThreads;

    private LedgerDatabase(LedgerSettings settings, HikariDataSource pool, PoolThreads poolThreads) {
        this.settings = settings;
        this.pool = pool;
        this.poolThreads = poolThreads;
    }

    /**
     * Connects, checks the database answers and migrates its schema when it is not current ({@link SchemaHistory}).
     *
     * @throws LedgerUnavailableException when it cannot (one line, without the URL's password)
     */
    public static LedgerDatabase open(LedgerSettings settings) {
        createSqliteDirectory(settings);
        // One plain connection first: a refused connection is then one clear message, not a pool's stack trace.
        try (Connection probe = connect(settings)) {
            probe.isValid(CONNECT_SECONDS);
        } catch (SQLException e) {
            throw unavailable(settings, e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("ccrouter-ledger");
        PoolThreads poolThreads = new PoolThreads("ccrouter-ledger-pool");
        config.setThreadFactory(poolThreads);
        config.setJdbcUrl(settings.url());
        config.setDataSourceProperties(driverProperties(settings));
        // The writer keeps one connection (LedgerInserts); the others serve reads (budgets, the status line).
        config.setMaximumPoolSize(settings.isPostgres() ? 4 : 3);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_SECONDS * 1000L);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unavailable(settings, e);
        }
        if (!isCurrent(pool)) {
            try {
                SchemaMigration.migrate(settings, pool);
            } catch (LedgerUnavailableException e) {
                poolThreads.awaitEnd(); // the migration closed the pool
                throw e;
            }
        }
        return new LedgerDatabase(settings, pool, poolThreads);
    }

    private static boolean isCurrent(HikariDataSource pool) {
        try (Connection connection = pool.getConnection()) {
            return SchemaHistory.isCurrent(connection);
        } catch (SQLException e) {
            return false; // Flyway will say what is wrong
        }
    }

    /**
     * A single connection without pool or migration, for a command that must answer in milliseconds (the status
     * line). The caller closes it.
     */
    public static Connection connect(LedgerSettings settings) throws SQLException {
        // The driver itself rather than DriverManager, which would load every driver on the class path first.
        Driver driver = settings.isPostgres() ? new org.postgresql.Driver() : new org.sqlite.JDBC();
        Connection connection = driver.connect(settings.url(), driverProperties(settings));
        if (connection == null) {
            throw new SQLException("not a URL for this driver: " + settings.displayUrl());
        }
        return connection;
    }

    public LedgerSettings settings() {
        return settings;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public LedgerStore store() {
        return new LedgerStore(this::connection);
    }

    @Override
    public void close() {
        pool.close();
        poolThreads.awaitEnd();
    }

    private static Properties driverProperties(LedgerSettings settings) {
        Properties properties = new Properties();
        if (settings.isPostgres()) {
            properties.setProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
            properties.setProperty("socketTimeout", "30");
        } else {
            // WAL: readers never block the writer. NORMAL: a committed batch survives the process being killed.
            properties.setProperty("journal_mode", "WAL");
            properties.setProperty("synchronous", "NORMAL");
            // Each 64-row insert keeps a statement journal (to undo a half-run statement); in memory rather than in
            // a temporary file it costs no system calls: 6.4–9.7 → 4.5–4.9 µs of CPU a row (docs/benchmarks.md).
            properties.setProperty("temp_store", "MEMORY");
            properties.setProperty("busy_timeout", "5000");
        }
        return properties;
    }

    private static void createSqliteDirectory(LedgerSettings settings) {
        if (settings.isPostgres()) {
            return;
        }
        Path parent = Path.of(settings.url().substring("jdbc:sqlite:".length()).replaceAll("\\?.*", ""))
                .toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new LedgerUnavailableException("ledger database " + settings.displayUrl()
                    + ": cannot create directory " + parent + ": " + e.getMessage());
        }
        SqliteLibrary.keepIn(parent);
    }

    private static LedgerUnavailableException unavailable(LedgerSettings settings, Exception e) {
        return new LedgerUnavailableException("ledger database " + settings.displayUrl() + " is unreachable: "
                + rootMessage(e) + " (ledger.url; ledger.enabled: false runs without a ledger)");
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}

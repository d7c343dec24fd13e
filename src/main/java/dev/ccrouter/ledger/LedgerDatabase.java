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
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's database, SQLite or PostgreSQL, with its schema brought up to date (Flyway; one set of migrations
 * for both, whose only difference, the auto-numbered key, is a placeholder). SQLite runs in WAL mode so that {@code ccrouter usage} reads while a gateway
 * writes; PostgreSQL is shared by every instance of a fleet.
 */
public final class LedgerDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerDatabase.class);
    /** Seconds to wait for a database at start before saying it is unreachable. */
    private static final int CONNECT_SECONDS = 5;

    private final LedgerSettings settings;
    /** The SQLite file the ledger is in, to notice it deleted; null for PostgreSQL or a database without a file. */
    private final Path file;
    /** Held to take a connection, and exclusively to replace the pool ({@link #startAfreshIfDeleted}). */
    private final ReadWriteLock replacing = new ReentrantReadWriteLock();
    private volatile Pool pool;

    /** A connection pool and the threads it made, to wait for their end once it is closed. */
    private record Pool(HikariDataSource connections, PoolThreads threads) {
        void close() {
            connections.close();
            threads.awaitEnd();
        }
    }

    private LedgerDatabase(LedgerSettings settings, Pool pool) {
        this.settings = settings;
        this.pool = pool;
        Path sqlite = sqliteFile(settings);
        this.file = sqlite != null && Files.isRegularFile(sqlite) ? sqlite : null;
    }

    /**
     * Connects, checks the database answers and migrates its schema when it is not current ({@link SchemaHistory}).
     *
     * @throws LedgerUnavailableException when it cannot (one line, without the URL's password)
     */
    public static LedgerDatabase open(LedgerSettings settings) {
        return new LedgerDatabase(settings, pool(settings));
    }

    /** A pool on the database, its schema brought up to date. */
    private static Pool pool(LedgerSettings settings) {
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
        return new Pool(pool, poolThreads);
    }

    /**
     * Whether the SQLite file was deleted while the gateway ran (someone cleared the ledger with {@code rm}). Its rows
     * would otherwise go on into the deleted file and be lost with the process, while {@code ccrouter usage} or a
     * restarted gateway found none of them. One stat a batch.
     */
    boolean deleted() {
        return file != null && !Files.exists(file);
    }

    /**
     * When the SQLite file was deleted, closes every connection to it and starts a new ledger at its place, with its
     * schema. The caller has given back any connection it held: the old pool waits for its connections to close,
     * and only once the last one has closed does SQLite stop using the old write-ahead log, whose name the new file's
     * would otherwise share. Taking a connection waits meanwhile.
     *
     * @return whether it did
     * @throws LedgerUnavailableException when the new ledger cannot be set up (the old pool is then closed)
     */
    boolean startAfreshIfDeleted() {
        replacing.writeLock().lock();
        try {
            if (!deleted()) {
                return false;
            }
            if (!pool.connections().isClosed()) { // not a new ledger's setup tried again after it failed
                LOG.warn("ledger database {} was deleted while the gateway ran: starting a new one there (what the"
                        + " deleted file held is gone; spend and usage count from now on)", file);
                pool.close();
            }
            pool = pool(settings);
            return true;
        } finally {
            replacing.writeLock().unlock();
        }
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
        replacing.readLock().lock();
        try {
            return pool.connections().getConnection();
        } finally {
            replacing.readLock().unlock();
        }
    }

    public LedgerStore store() {
        return new LedgerStore(this::connection);
    }

    @Override
    public void close() {
        pool.close();
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

    /** The SQLite database's file as its URL names it (it may not exist yet), or null for PostgreSQL. */
    private static Path sqliteFile(LedgerSettings settings) {
        if (settings.isPostgres()) {
            return null;
        }
        return Path.of(settings.url().substring("jdbc:sqlite:".length()).replaceAll("\\?.*", "")).toAbsolutePath();
    }

    private static void createSqliteDirectory(LedgerSettings settings) {
        if (settings.isPostgres()) {
            return;
        }
        Path parent = sqliteFile(settings).getParent();
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

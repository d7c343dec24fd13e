package dev.ccrouter.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
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
    /** How long a ledger file deleted while running waits for the reads still holding it before a new one is made. */
    private static final Duration READS_PATIENCE = Duration.ofSeconds(10);

    private final LedgerSettings settings;
    /** The SQLite file the ledger is in, to notice it deleted; null for PostgreSQL or a database without a file. */
    private final Path file;
    /** Held to take a connection, and exclusively to replace the pool ({@link #startAfreshIfReplaced}) or close it. */
    private final ReadWriteLock replacing = new ReentrantReadWriteLock();
    private volatile Pool pool;
    /** The file's identity (device and inode) when the pool in use was opened on it; null where it has none. */
    private volatile Object fileKey;
    /** Closed: no pool is made any more (under the write lock). */
    private boolean closed;

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
        this.fileKey = identity(file);
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
     * Whether the SQLite file the pool writes to is no longer the one at its path: deleted while the gateway ran
     * (someone cleared the ledger with {@code rm}), and perhaps made anew there since (by {@code ccrouter usage}, or
     * by a connection the pool opened afresh). Its rows would otherwise go on into the deleted file and be lost with
     * the process, while every other process read the file now there. One stat.
     */
    boolean replaced() {
        if (file == null) {
            return false;
        }
        try {
            return fileKey != null && !fileKey.equals(fileKeyOf(file));
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false; // unreadable, not gone: writing says what is wrong
        }
    }

    /**
     * When the SQLite file was replaced ({@link #replaced}), closes every connection to the old one and goes on in the
     * ledger at its path, set up there when there is none. The caller has given back any connection it held; the
     * reads still holding one are waited for (taking a connection waits meanwhile), since only once the last
     * connection has closed does SQLite stop using the old write-ahead log and its index, whose names the new
     * file's share.
     *
     * @return whether it did
     * @throws LedgerUnavailableException when reads held the old file too long, or the new ledger cannot be set up
     *                                    (both are tried again at the next call)
     */
    boolean startAfreshIfReplaced() {
        replacing.writeLock().lock();
        try {
            if (closed || !replaced()) {
                return false;
            }
            if (!pool.connections().isClosed()) { // not a new ledger's setup tried again after it failed
                awaitReads(pool.connections());
                LOG.warn("ledger database {} was deleted while the gateway ran: going on in a new one there (what the"
                        + " deleted file held is gone; spend and usage count from now on)", file);
                pool.close();
            }
            pool = pool(settings);
            fileKey = identity(file);
            return true;
        } finally {
            replacing.writeLock().unlock();
        }
    }

    /** Waits until no connection of the pool is lent out (HikariCP's close would abandon them open). */
    private void awaitReads(HikariDataSource connections) {
        HikariPoolMXBean lent = connections.getHikariPoolMXBean();
        long deadline = System.nanoTime() + READS_PATIENCE.toNanos();
        while (lent.getActiveConnections() > 0) {
            if (System.nanoTime() > deadline) {
                throw new LedgerUnavailableException("ledger database " + file + " was deleted while the gateway ran,"
                        + " and a read still holds it");
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** A file's identity (device and inode), or null when it has none or is not there. */
    private static Object identity(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return fileKeyOf(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static Object fileKeyOf(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
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
        replacing.writeLock().lock();
        try {
            closed = true;
            pool.close();
        } finally {
            replacing.writeLock().unlock();
        }
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
                + why(settings, e) + " (ledger.url; ledger.enabled: false runs without a ledger)");
    }

    /**
     * Why the database failed, as the driver says, without the URL's password: PostgreSQL's driver quotes a URL it
     * cannot parse whole, query and all, and takes {@code user:password@} before a host for part of the host's name.
     * The opening's error, the writer's and the budgets' warnings and {@code ccrouter usage}'s failed read say it so.
     */
    public static String why(LedgerSettings settings, Throwable e) {
        return Secrets.maskAddressIn(rootMessage(e), settings.url());
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

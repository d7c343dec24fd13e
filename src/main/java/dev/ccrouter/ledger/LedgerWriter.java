package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ledger rows in the background, so that no request or stream ever waits for the database: {@link #record}
 * only offers the row to a bounded queue. One thread writes whatever has queued up, in one transaction, at least
 * once per batch interval — every {@link #BUSY_TICK} while rows keep coming — and everything that is left when
 * closed (SIGTERM). A {@code kill -9} therefore loses at
 * most the rows of the last interval.
 *
 * <p>When the database is down the batch in hand is retried and new rows wait in the queue; once the queue is full
 * further rows are counted as dropped, with one warning per burst, and writing resumes when the database returns. A
 * retried batch may already be in the ledger (the server committed it, the answer was lost with the connection): its
 * rows are then skipped, not written twice ({@link LedgerInserts}).
 *
 * <p>Each time it wakes the writer looks whether its SQLite file is still the one at its path: into a ledger deleted
 * while the gateway runs ({@code rm ~/.ccrouter/ledger.db*} to clear it) the rows would go on being written, unseen by
 * any other process and lost with this one. The writer then goes on in the ledger at that path, made anew when there
 * is none.
 */
public final class LedgerWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
    /** Rows per transaction at most. */
    static final int MAX_BATCH = 1000;
    /**
     * How often rows are written while they keep coming (an idle gateway wakes once per interval only). 100 ms, not
     * 20: a busy gateway's thousands of rows a second go in batches five times larger for a fifth of the wake-ups and
     * transactions, each batch still short (a few hundred small inserts) — nothing waits on a row being written.
     */
    static final Duration BUSY_TICK = Duration.ofMillis(100);
    /** How long close() waits for the last rows to be written before giving up on them. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The writer thread's. */
    private final LedgerInserts inserts;
    private final Database database;
    /** The ledger's settings: the URL whose password its warnings leave out. */
    private final LedgerSettings settings;
    private final Duration interval;
    private final BlockingQueue<LedgerEntry> queue;
    /** The batch being written (or retried while the database is down); the writer thread's alone. */
    private final List<LedgerEntry> inHand = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean dropping = new AtomicBoolean();
    /** The rows left at the close were given up on, and said so (by the writer, or by close() if it would not end). */
    private final AtomicBoolean givenUp = new AtomicBoolean();
    private final Duration closeTimeout;
    private final Thread thread;
    /** {@code inHand.size()}, for other threads. */
    private volatile int inHandCount;
    /** The last write failed (the writer thread's alone): the next success says the database is back. */
    private boolean failing;

    /** The database behind the rows, as far as the writer must know it. */
    interface Database {
        /** A database whose file never goes away (PostgreSQL, or a writer's test). */
        Database KEPT = new Database() {
            @Override
            public boolean replaced() {
                return false;
            }

            @Override
            public void startAfresh() {
            }
        };

        /** Whether its file was deleted while the gateway ran (and perhaps made anew since). */
        boolean replaced();

        /**
         * The database now at the deleted one's place, made when there is none, once the writer has given back its
         * connection.
         *
         * @throws LedgerUnavailableException when it cannot be had yet
         */
        void startAfresh();
    }

    /** The writer of the ledger these settings describe (their queue size and batch interval), into this store. */
    public LedgerWriter(LedgerStore store, LedgerSettings settings) {
        this(store, Database.KEPT, settings, CLOSE_TIMEOUT);
    }

    LedgerWriter(LedgerStore store, Database database, LedgerSettings settings) {
        this(store, database, settings, CLOSE_TIMEOUT);
    }

    LedgerWriter(LedgerStore store, LedgerSettings settings, Duration closeTimeout) {
        this(store, Database.KEPT, settings, closeTimeout);
    }

    private LedgerWriter(LedgerStore store, Database database, LedgerSettings settings, Duration closeTimeout) {
        this.inserts = store.inserts();
        this.database = database;
        this.settings = settings;
        this.interval = settings.batchInterval();
        this.closeTimeout = closeTimeout;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
        this.thread = Thread.ofPlatform().name("ccrouter-ledger").daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Queues the row; never blocks. A full queue drops it (counted, and said once per burst), as does a closed writer
     * (counted, and said for each row: it comes from a request that outlived the gateway's stop).
     *
     * @return whether the row was queued (rows queued before {@link #close} are all written, database permitting)
     */
    public boolean record(LedgerEntry entry) {
        if (closing.getCount() == 0) {
            dropped.incrementAndGet();
            LOG.warn("ledger closed: the row of {} ended after the gateway's stop and is not written",
                    entry.requestId());
            return false;
        }
        if (!queue.offer(entry)) {
            dropped.incrementAndGet();
            if (dropping.compareAndSet(false, true)) {
                LOG.warn("ledger queue full ({} rows waiting for the database): dropping rows until it catches up",
                        queue.size() + inHandCount);
            }
            return false;
        }
        return true;
    }

    /** Rows waiting to be written. */
    public int depth() {
        return queue.size() + inHandCount;
    }

    /** Rows dropped since start: the queue was full, or the writer closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Rows written since start. */
    public long written() {
        return written.get();
    }

    /** Writes every queued row, then stops (giving up after ten seconds if the database is down). */
    @Override
    public void close() {
        closing.countDown();
        try {
            thread.join(closeTimeout.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Still waiting for a connection (PostgreSQL's pool waits 5 s for one) past the deadline: what it holds
            // is lost with the database closed next, and the writer would say so only after the process is gone.
            giveUp();
        }
    }

    private void giveUp() {
        if (givenUp.compareAndSet(false, true)) {
            LOG.warn("ledger: database unreachable at shutdown, {} rows not written", depth());
        }
    }

    private void run() {
        try {
            writeUntilClosed();
        } finally {
            inserts.close();
        }
    }

    private void writeUntilClosed() {
        Duration wait = interval;
        long lastRows = System.nanoTime() - interval.toNanos();
        while (!awaitClose(wait)) {
            long before = written.get();
            flush();
            long now = System.nanoTime();
            if (written.get() != before) {
                lastRows = now;
            }
            // While rows keep coming (any in the last interval), write them in small batches often rather than all at
            // once per interval, so that a busy gateway's inserts never take the cores for tens of milliseconds in
            // one go: that made its p99. An idle gateway wakes once per interval.
            wait = now - lastRows < interval.toNanos() && BUSY_TICK.compareTo(interval) < 0 ? BUSY_TICK : interval;
        }
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        while (!flush()) {
            if (givenUp.get() || System.nanoTime() > deadline) {
                giveUp();
                return;
            }
            LockSupport.parkNanos(interval.toNanos()); // the database may come back: try again shortly
        }
    }

    /** Writes batches until nothing is queued; false when the database refused one (it stays in hand). */
    private boolean flush() {
        if (!onItsFile()) {
            return false;
        }
        while (true) {
            if (inHand.isEmpty()) {
                queue.drainTo(inHand, MAX_BATCH);
                inHandCount = inHand.size();
            }
            if (inHand.isEmpty()) {
                return true;
            }
            if (!write()) {
                return false;
            }
        }
    }

    /** Goes on in the ledger at its file's path when the one written so far was deleted; false when it cannot yet. */
    private boolean onItsFile() {
        try {
            if (database.replaced()) {
                inserts.close(); // its connection is to the deleted file, which the old pool waits to see closed
                database.startAfresh();
            }
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private boolean write() {
        try {
            int added = inserts.insert(inHand);
            if (added < inHand.size()) {
                LOG.info("ledger: {} of {} rows retried were already written (the database committed them, its answer"
                        + " was lost): not written again", inHand.size() - added, inHand.size());
            }
            written.addAndGet(inHand.size());
            inHand.clear();
            inHandCount = 0;
            if (failing) {
                failing = false;
                LOG.warn("ledger database is back: writing again");
            }
            if (dropping.compareAndSet(true, false)) {
                LOG.warn("ledger: {} rows dropped in all since start while the queue was full", dropped.get());
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /**
     * Says once, until a batch is written again, that the database cannot be written; in the driver's words, without
     * the URL's password, as the opening's error says them: a driver may quote the URL, or its user information.
     */
    private void failed(Exception e) {
        if (!failing) {
            failing = true;
            LOG.warn("ledger database unavailable ({}): keeping up to {} rows until it returns",
                    LedgerDatabase.why(settings, e), queue.remainingCapacity() + queue.size() + inHand.size());
        }
    }

    private boolean awaitClose(Duration wait) {
        try {
            return closing.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }
}

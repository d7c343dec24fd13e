package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The running gateway's ledger: its database and the writer in front of it. Closing writes what is queued.
 *
 * <p>The database may still be opening (connected, migrated) while the ledger is already in use: rows queue in the
 * writer, which starts writing once the database is ready, and a read waits for it. The gateway opens it so, beside
 * the rest of its start, and {@link #awaitOpen() waits} for it before it listens: opening SQLite or PostgreSQL and
 * running Flyway was a third of the start's time on the main thread.
 */
public final class Ledger implements AutoCloseable {
    private final LedgerSettings settings;
    private final CompletableFuture<LedgerDatabase> database;
    private final Thread opener;
    private final LedgerStore store;
    private final LedgerWriter writer;

    private Ledger(LedgerSettings settings, CompletableFuture<LedgerDatabase> database, Thread opener) {
        this.settings = settings;
        this.database = database;
        this.opener = opener;
        this.store = new LedgerStore(() -> ready().connection());
        this.writer = new LedgerWriter(store, new LedgerWriter.Database() {
            @Override
            public boolean replaced() {
                // rows wait in the queue while it opens; one that could not be opened has no file to lose
                return database.isDone() && !database.isCompletedExceptionally() && database.join().replaced();
            }

            @Override
            public void startAfresh() {
                database.join().startAfreshIfReplaced();
            }
        }, settings);
    }

    /** @throws LedgerUnavailableException when the database cannot be reached or set up */
    public static Ledger open(LedgerSettings settings) {
        Ledger ledger = opening(settings);
        ledger.awaitOpen();
        return ledger;
    }

    /**
     * A ledger whose database opens on a thread of its own; rows recorded meanwhile wait in the writer's queue.
     * Call {@link #awaitOpen()} to learn whether it could be opened.
     */
    public static Ledger opening(LedgerSettings settings) {
        CompletableFuture<LedgerDatabase> database = new CompletableFuture<>();
        Thread opener = Thread.ofPlatform().daemon().name("ccrouter-ledger-open").start(() -> {
            try {
                database.complete(LedgerDatabase.open(settings));
            } catch (RuntimeException e) {
                database.completeExceptionally(e);
            }
        });
        return new Ledger(settings, database, opener);
    }

    /**
     * Waits until the database is open; when it could not be, closes this ledger (its queued rows cannot be written).
     *
     * @throws LedgerUnavailableException when the database cannot be reached or set up
     */
    public void awaitOpen() {
        try {
            database.join();
        } catch (CompletionException e) {
            writer.close();
            awaitOpenerEnd();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Queues one row; never blocks. */
    public void record(LedgerEntry entry) {
        writer.record(entry);
    }

    public LedgerSettings settings() {
        return settings;
    }

    public LedgerStore store() {
        return store;
    }

    public LedgerWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        writer.close();
        database.thenAccept(LedgerDatabase::close).exceptionally(failed -> null).join();
        awaitOpenerEnd();
    }

    /**
     * The opening thread completes the database a moment before it ends; a closed ledger waits for that end, so
     * nothing of it is left running (a caller deleting the data directory next must not race it).
     */
    private void awaitOpenerEnd() {
        try {
            opener.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private LedgerDatabase ready() throws SQLException {
        try {
            return database.join();
        } catch (CompletionException e) {
            throw new SQLException(e.getCause().getMessage(), e.getCause());
        }
    }
}

package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;

/** The running gateway's ledger: its database and the writer in front of it. Closing writes what is queued. */
public final class Ledger implements AutoCloseable {
    private final LedgerDatabase database;
    private final LedgerWriter writer;

    private Ledger(LedgerDatabase database, LedgerWriter writer) {
        this.database = database;
        this.writer = writer;
    }

    /** @throws LedgerUnavailableException when the database cannot be reached or set up */
    public static Ledger open(LedgerSettings settings) {
        LedgerDatabase database = LedgerDatabase.open(settings);
        return new Ledger(database, new LedgerWriter(database.store(), settings.queueSize(), settings.batchInterval()));
    }

    /** Queues one row; never blocks. */
    public void record(LedgerEntry entry) {
        writer.record(entry);
    }

    public LedgerSettings settings() {
        return database.settings();
    }

    public LedgerStore store() {
        return database.store();
    }

    public LedgerWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        writer.close();
        database.close();
    }
}

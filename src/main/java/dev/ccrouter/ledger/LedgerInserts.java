package dev.ccrouter.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The ledger writer's inserts, on one connection it keeps while writing goes well, with both statements prepared
 * once: {@value LedgerStore#ROWS_PER_INSERT} rows at a time, and one row for the rest of a batch (in one JDBC
 * batch). Preparing the many-row statement afresh for every batch cost more than it saved on batches of a few hundred
 * rows. After a failure the connection goes back to the pool (which tests it before lending it again) and the next
 * batch takes one afresh. The writer thread's alone.
 */
final class LedgerInserts implements AutoCloseable {
    private final LedgerStore.Connections connections;
    private Connection connection;
    private PreparedStatement rows;
    private PreparedStatement row;

    LedgerInserts(LedgerStore.Connections connections) {
        this.connections = connections;
    }

    /**
     * Writes the rows in one transaction, in their order: all of them or, on an exception, none. A row already in the
     * ledger is skipped: the batch was written before, and only the answer to its commit was lost.
     *
     * @return the rows added (fewer than given when some were already there)
     */
    int insert(List<LedgerEntry> entries) throws SQLException {
        try {
            if (connection == null) {
                connection = connections.get();
                connection.setAutoCommit(false);
                rows = connection.prepareStatement(LedgerStore.INSERT_ROWS);
                row = connection.prepareStatement(LedgerStore.INSERT_ROW);
            }
            int added = 0;
            int full = entries.size() - entries.size() % LedgerStore.ROWS_PER_INSERT;
            for (int from = 0; from < full; from += LedgerStore.ROWS_PER_INSERT) {
                LedgerStore.bindRows(rows, entries.subList(from, from + LedgerStore.ROWS_PER_INSERT));
                added += rows.executeUpdate();
            }
            if (full < entries.size()) {
                for (LedgerEntry entry : entries.subList(full, entries.size())) {
                    LedgerStore.bind(row, 0, entry);
                    row.addBatch();
                }
                for (int count : row.executeBatch()) {
                    added += count;
                }
            }
            connection.commit();
            return added;
        } catch (SQLException | RuntimeException e) {
            try {
                release(true);
            } catch (SQLException | RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** Hands the connection back to the pool. */
    @Override
    public void close() {
        try {
            release(false);
        } catch (SQLException | RuntimeException e) {
            // nothing is uncommitted between batches; the pool closes a connection that cannot be reset
        }
    }

    private void release(boolean rollback) throws SQLException {
        Connection held = connection;
        connection = null;
        rows = null;
        row = null;
        if (held == null) {
            return;
        }
        try (held) {
            if (rollback) {
                held.rollback();
            }
            held.setAutoCommit(true);
        }
    }
}

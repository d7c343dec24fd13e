package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The ledger writer's CPU per row: batches of 1,000 rows (a busy gateway's 100 ms at 10k req/s) written the way
 * {@link LedgerInserts} writes them, into a fresh SQLite ledger in a temporary folder, on a connection opened with
 * the gateway's settings. Six rounds of 200 batches (1.2M rows, a ledger of months), CPU time of this thread per
 * row; the last rounds are the figure. Any arguments are PRAGMAs run on the connection first, to compare a setting:
 * {@code java -cp … dev.ccrouter.ledger.LedgerInsertRun temp_store=FILE}; an argument with a space in it is a statement
 * of its own, to compare a schema: {@code … LedgerInsertRun "DROP INDEX ledger_entry_ts"}. {@code -Dbatch=300} writes
 * batches of that many rows instead (a gateway at 3k requests a second writes 300 per 100 ms).
 */
public final class LedgerInsertRun {
    private static final int BATCH = Integer.getInteger("batch", 1_000);
    private static final int BATCHES_PER_ROUND = 200;

    private LedgerInsertRun() {
    }

    public static void main(String[] pragmas) throws Exception {
        Path folder = Files.createTempDirectory("ccrouter-ledger-run");
        try {
            run(LedgerSettings.defaults(folder), pragmas);
        } finally {
            try (Stream<Path> files = Files.walk(folder)) { // the ledger of 1.2M rows is ≈ 250 MB
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void run(LedgerSettings settings, String[] pragmas) throws Exception {
        LedgerDatabase.open(settings).close(); // the schema
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Connection connection = LedgerDatabase.connect(settings)) {
            try (Statement statement = connection.createStatement()) {
                for (String pragma : pragmas) {
                    statement.execute(pragma.contains(" ") ? pragma : "PRAGMA " + pragma);
                }
            }
            LedgerInserts inserts = new LedgerInserts(() -> connection);
            long sequence = 0;
            for (int round = 1; round <= 6; round++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int batch = 0; batch < BATCHES_PER_ROUND; batch++) {
                    List<LedgerEntry> rows = new ArrayList<>(BATCH);
                    for (int i = 0; i < BATCH; i++) {
                        rows.add(row(sequence++));
                    }
                    inserts.insert(rows);
                }
                double perRow = BATCH * (double) BATCHES_PER_ROUND;
                System.out.printf(Locale.ROOT, "round %d: %.2f µs CPU a row, %.2f µs wall%n", round,
                        (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / perRow,
                        (System.nanoTime() - wall) / 1000.0 / perRow);
            }
        }
    }

    /** A streamed Claude Code turn's row, as the gateway records it (ids differ from row to row). */
    private static LedgerEntry row(long sequence) {
        return new LedgerEntry(Instant.now(), "req_" + Long.toHexString(sequence * 0x9E3779B97F4A7C15L), null,
                "session-" + sequence % 7, "claude-sonnet-4-5", "default", "openrouter", "anthropic/claude-sonnet-4.5",
                true, 200, null, "end_turn", new LedgerEntry.Tokens(20_000, 3, 19_000, 0, 0, 0, false),
                new LedgerEntry.Spend(new BigDecimal("0.0123"), new BigDecimal("0.0123"), BigDecimal.ZERO,
                        new BigDecimal("0.05")), 3L, 9, 0, 0);
    }
}

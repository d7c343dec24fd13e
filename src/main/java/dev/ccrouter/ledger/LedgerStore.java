package dev.ccrouter.ledger;

import dev.ccrouter.api.anthropic.Usage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ledger's SQL, the same for SQLite and PostgreSQL. Amounts are stored as whole 10^-10 USD, so a sum in SQL is
 * exact on both.
 */
public final class LedgerStore {
    /** Decimal places of a stored amount. */
    static final int AMOUNT_SCALE = 10;
    private static final String COLUMNS = "ts, request_id, client_key_id, session_id, requested_model, route, provider, "
            + "upstream_model, stream, http_status, error_type, stop_reason, input_tokens, output_tokens, "
            + "cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, usage_estimated, "
            + "cost_e10, charged_e10, residual_e10, cache_savings_e10, ttfb_ms, duration_ms, retries, fallbacks";
    /** Values per row of {@link #COLUMNS}. */
    private static final int COLUMN_COUNT = 27;
    /**
     * Rows per INSERT statement. One statement of many rows runs SQLite's program — the table's and three indexes'
     * cursors opened, the AUTOINCREMENT counter kept — once for all of them, where a JDBC batch ran it (and crossed
     * JNI to step and reset it) once per row. With both statements prepared once ({@link LedgerInserts}), the writer's
     * CPU per row went from 3.9 to 3.0–3.3 µs in batches of 1000 rows, 4.2 to 3.3–3.8 in batches of 200, 6 to 5–5.8
     * in batches of 40. 64 rows are 1,728 parameters, far below both databases' limits (32,766 and 65,535).
     */
    static final int ROWS_PER_INSERT = 64;
    /**
     * The statements {@link LedgerInserts} prepares: {@link #ROWS_PER_INSERT} rows, and one row. A row already present
     * is skipped, so that a batch written again, after a commit whose answer was lost, adds nothing (migration V2).
     */
    static final String INSERT_ROWS = insertOf(ROWS_PER_INSERT);
    static final String INSERT_ROW = insertOf(1);
    /**
     * The sums of {@link UsageTotals}. Each token column is summed as {@link #read} reads it, a stored value that is no
     * count as 0 ({@link #count(String)}): bounded so, no sum comes near 2^63 (Usage.MAX_TOKENS), and SQLite's
     * {@code SUM}, which fails the whole query with "integer overflow" past it, stays exact on both databases.
     * ({@code TOTAL()} would not fail, but it sums in floating point, exact only to 2^53.) The computed cost is left
     * as it is: it is bounded counts times the model's rates, at most $300,000 a row at $75 per million tokens, and
     * SUM reaches 2^63 units ($922 million) only after three thousand such rows.
     */
    private static final String TOTALS = "SELECT COUNT(*), COALESCE(SUM(" + count("input_tokens") + "), 0), "
            + "COALESCE(SUM(" + count("output_tokens") + "), 0), COALESCE(SUM(" + count("cache_read_tokens") + "), 0), "
            + "COALESCE(SUM(" + count("cache_write_5m_tokens") + " + " + count("cache_write_1h_tokens") + "), 0), "
            + "COALESCE(SUM(cost_e10), 0), "
            + "SUM(CASE WHEN cost_e10 IS NULL AND " + count("input_tokens") + " + " + count("output_tokens") + " + "
            + count("cache_read_tokens") + " + " + count("cache_write_5m_tokens") + " + "
            + count("cache_write_1h_tokens") + " > 0 THEN 1 ELSE 0 END), COALESCE(SUM(cache_savings_e10), 0) "
            + "FROM ledger_entry";

    /** Where connections come from: a pool, or one plain connection. */
    @FunctionalInterface
    public interface Connections {
        Connection get() throws SQLException;
    }

    private final Connections connections;

    public LedgerStore(Connections connections) {
        this.connections = connections;
    }

    /** The writer's inserts, on a connection of their own kept while writing goes well. */
    LedgerInserts inserts() {
        return new LedgerInserts(connections);
    }

    /**
     * Every row from {@code since} (inclusive) to {@code until} (exclusive), oldest first; null bounds are open. The
     * rows come a thousand at a time, inside a transaction that changes nothing: outside one, PostgreSQL's driver ignores the
     * fetch size and reads the whole result into memory first (a shared ledger's month, for the dashboard's every
     * refresh).
     */
    public void forEach(Instant since, Instant until, Consumer<LedgerEntry> action) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM ledger_entry WHERE ts >= ? AND ts < ? ORDER BY ts, id";
        try (Connection connection = connections.get()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setLong(1, since == null ? Long.MIN_VALUE : millis(since));
                query.setLong(2, until == null ? Long.MAX_VALUE : millis(until));
                query.setFetchSize(1000);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        action.accept(read(rows));
                    }
                }
            } finally {
                connection.rollback(); // it changed nothing
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Epoch milliseconds, held at the ends of their range: a bound given as a day (a year LocalDate accepts, such as
     * +300000000) may lie beyond them, and then takes in nothing or everything.
     */
    private static long millis(Instant time) {
        try {
            return time.toEpochMilli();
        } catch (ArithmeticException beyond) {
            return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The totals of one Claude Code session (one indexed range scan). */
    public UsageTotals session(String sessionId) throws SQLException {
        return totals(TOTALS + " WHERE session_id = ?", query -> query.setString(1, text(sessionId)));
    }

    /** The totals of every request since {@code since} (one indexed range scan). */
    public UsageTotals since(Instant since) throws SQLException {
        return totals(TOTALS + " WHERE ts >= ?", query -> query.setLong(1, since.toEpochMilli()));
    }

    /**
     * What one client key spent since {@code since}, as its daily or monthly budget counts it (one index scan): each
     * request's cost at the catalog's prices, or, where the gateway had no price for the model, what the upstream said
     * it charged.
     */
    public BigDecimal keySpentSince(String clientKeyId, Instant since) throws SQLException {
        try (Connection connection = connections.get();
             PreparedStatement query = connection.prepareStatement("SELECT COALESCE(SUM(COALESCE(cost_e10, "
                     + "charged_e10)), 0) FROM ledger_entry WHERE client_key_id = ? AND ts >= ?")) {
            query.setString(1, text(clientKeyId));
            query.setLong(2, since.toEpochMilli());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return BigDecimal.valueOf(row.getLong(1), AMOUNT_SCALE);
            }
        }
    }

    /** The number of rows. */
    public long count() throws SQLException {
        return totals(TOTALS, query -> { }).requests();
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement query) throws SQLException;
    }

    private UsageTotals totals(String sql, Binder binder) throws SQLException {
        try (Connection connection = connections.get();
             PreparedStatement query = connection.prepareStatement(sql)) {
            binder.bind(query);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new UsageTotals(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5),
                        BigDecimal.valueOf(row.getLong(6), AMOUNT_SCALE), row.getLong(7),
                        BigDecimal.valueOf(row.getLong(8), AMOUNT_SCALE));
            }
        }
    }

    /** {@code INSERT} of {@code rows} rows of parameters, skipping those already present (same time and request). */
    private static String insertOf(int rows) {
        StringBuilder sql = new StringBuilder(128 + COLUMNS.length() + rows * (COLUMN_COUNT * 3 + 2))
                .append("INSERT INTO ledger_entry (").append(COLUMNS).append(") VALUES ");
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "(" : ", (");
            for (int column = 0; column < COLUMN_COUNT; column++) {
                sql.append(column == 0 ? "?" : ", ?");
            }
            sql.append(')');
        }
        return sql.append(" ON CONFLICT (ts, request_id) DO NOTHING").toString();
    }

    static void bindRows(PreparedStatement insert, List<LedgerEntry> rows) throws SQLException {
        int offset = 0;
        for (LedgerEntry entry : rows) {
            bind(insert, offset, entry);
            offset += COLUMN_COUNT;
        }
    }

    /** Binds one row's values after the {@code offset} parameters of the rows before it. */
    static void bind(PreparedStatement insert, int offset, LedgerEntry entry) throws SQLException {
        int i = offset;
        insert.setLong(++i, entry.time().toEpochMilli());
        insert.setString(++i, text(entry.requestId()));
        insert.setString(++i, text(entry.clientKeyId()));
        insert.setString(++i, text(entry.sessionId()));
        insert.setString(++i, text(entry.requestedModel()));
        insert.setString(++i, text(entry.route()));
        insert.setString(++i, text(entry.provider()));
        insert.setString(++i, text(entry.upstreamModel()));
        insert.setBoolean(++i, entry.stream());
        insert.setInt(++i, entry.httpStatus());
        insert.setString(++i, text(entry.errorType()));
        insert.setString(++i, text(entry.stopReason()));
        LedgerEntry.Tokens tokens = entry.tokens();
        insert.setLong(++i, tokens.input());
        insert.setLong(++i, tokens.output());
        insert.setLong(++i, tokens.cacheRead());
        insert.setLong(++i, tokens.cacheWrite5m());
        insert.setLong(++i, tokens.cacheWrite1h());
        insert.setLong(++i, tokens.reasoning());
        insert.setBoolean(++i, tokens.estimated());
        LedgerEntry.Spend spend = entry.spend();
        setAmount(insert, ++i, spend.computed());
        setAmount(insert, ++i, spend.charged());
        setAmount(insert, ++i, spend.residual());
        setAmount(insert, ++i, spend.cacheSavings());
        setLong(insert, ++i, entry.ttfbMillis());
        insert.setLong(++i, entry.durationMillis());
        insert.setInt(++i, entry.retries());
        insert.setInt(++i, entry.fallbacks());
    }

    /**
     * The text as stored: NUL, which PostgreSQL's text refuses (the whole batch with it, again at every retry), becomes
     * U+FFFD on both databases. A client chooses its model name, and JSON lets it hold NUL.
     */
    private static String text(String value) {
        return value == null || value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', '\uFFFD');
    }

    private static LedgerEntry read(ResultSet row) throws SQLException {
        return new LedgerEntry(Instant.ofEpochMilli(row.getLong("ts")), row.getString("request_id"),
                row.getString("client_key_id"), row.getString("session_id"), row.getString("requested_model"),
                row.getString("route"), row.getString("provider"), row.getString("upstream_model"),
                row.getBoolean("stream"), row.getInt("http_status"), row.getString("error_type"),
                row.getString("stop_reason"),
                new LedgerEntry.Tokens(count(row, "input_tokens"), count(row, "output_tokens"),
                        count(row, "cache_read_tokens"), count(row, "cache_write_5m_tokens"),
                        count(row, "cache_write_1h_tokens"), count(row, "reasoning_tokens"),
                        row.getBoolean("usage_estimated")),
                new LedgerEntry.Spend(amount(row, "cost_e10"), amount(row, "charged_e10"), amount(row, "residual_e10"),
                        amount(row, "cache_savings_e10")),
                nullableLong(row, "ttfb_ms"), row.getLong("duration_ms"), row.getInt("retries"), row.getInt("fallbacks"));
    }

    /**
     * A stored token count, or 0 when it is none: a value outside 0 to {@link Usage#MAX_TOKENS} was written by a version
     * that took an upstream's {@code 1e30} for 2^63 − 1 tokens, and read as such it would turn every total negative.
     * The gateway now treats such usage as not reported; its old rows count no tokens, as in {@link #TOTALS}.
     */
    private static long count(ResultSet row, String column) throws SQLException {
        long stored = row.getLong(column);
        return stored >= 0 && stored <= Usage.MAX_TOKENS ? stored : 0;
    }

    /** The SQL of {@link #count(ResultSet, String)}: the column's value when it is a count, else 0. */
    private static String count(String column) {
        return "(CASE WHEN " + column + " BETWEEN 0 AND " + Usage.MAX_TOKENS + " THEN " + column + " ELSE 0 END)";
    }

    /**
     * The amount in whole 10^-10 USD, rounded half to even as every shown amount is; null (unknown) when a bigint
     * cannot hold it (beyond $922 million: absurd usage or cost reported upstream), which would fail the whole batch.
     */
    static Long toUnits(BigDecimal usd) {
        if (usd == null) {
            return null;
        }
        BigInteger units = usd.setScale(AMOUNT_SCALE, RoundingMode.HALF_EVEN).unscaledValue();
        return units.bitLength() < Long.SIZE ? units.longValue() : null;
    }

    private static void setAmount(PreparedStatement insert, int index, BigDecimal usd) throws SQLException {
        setLong(insert, index, toUnits(usd));
    }

    private static void setLong(PreparedStatement insert, int index, Long value) throws SQLException {
        if (value == null) {
            insert.setNull(index, Types.BIGINT);
        } else {
            insert.setLong(index, value);
        }
    }

    private static BigDecimal amount(ResultSet row, String column) throws SQLException {
        Long units = nullableLong(row, column);
        return units == null ? null : BigDecimal.valueOf(units, AMOUNT_SCALE);
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}

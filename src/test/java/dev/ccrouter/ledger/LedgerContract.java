package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.cli.LedgerCli;
import java.math.BigDecimal;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the ledger promises, run against SQLite and PostgreSQL alike: rows come back exactly as written, the indexed
 * sums (session, day, key) are exact, and every {@code ccrouter usage} view of {@link SeededLedger} has exact totals,
 * read while the writer still has the database open.
 */
abstract class LedgerContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A fresh, empty ledger database for one test. */
    abstract LedgerSettings freshLedger();

    private Ledger seeded() {
        Ledger ledger = Ledger.open(freshLedger());
        SeededLedger.ENTRIES.forEach(ledger::record);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == SeededLedger.ENTRIES.size());
        return ledger;
    }

    @Test
    void rowsReadBackExactlyAsWritten() throws Exception {
        try (Ledger ledger = seeded()) {
            List<LedgerEntry> read = new ArrayList<>();
            ledger.store().forEach(null, null, read::add);
            assertThat(read).usingRecursiveFieldByFieldElementComparator(
                    RecursiveComparisonConfiguration.builder()
                            .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).build())
                    .containsExactlyElementsOf(SeededLedger.ENTRIES);
        }
    }

    /** A key's budget counts each request's computed cost, or what the upstream charged where there was no price. */
    @Test
    void aKeysSpendCountsTheChargedCostWhereNoneWasComputed() throws Exception {
        LedgerEntry seed = SeededLedger.ENTRIES.getFirst();
        List<LedgerEntry> rows = List.of(
                new LedgerEntry.Spend(new BigDecimal("0.01"), new BigDecimal("0.011"), null, null),
                new LedgerEntry.Spend(null, new BigDecimal("0.5"), null, null),
                LedgerEntry.Spend.UNKNOWN).stream()
                .map(spend -> new LedgerEntry(seed.time(), "req_spent_" + spend.charged(), "key_u", null,
                        seed.requestedModel(), seed.route(), seed.provider(), seed.upstreamModel(), seed.stream(),
                        seed.httpStatus(), null, seed.stopReason(), seed.tokens(), spend, seed.ttfbMillis(),
                        seed.durationMillis(), 0, 0))
                .toList();
        try (Ledger ledger = Ledger.open(freshLedger()); LedgerInserts inserts = ledger.store().inserts()) {
            inserts.insert(rows);
            assertThat(ledger.store().keySpentSince("key_u", seed.time())).isEqualTo(new BigDecimal("0.5100000000"));
            assertThat(ledger.store().keySpentSince("key_u", seed.time().plusMillis(1))).isEqualTo(new BigDecimal("0E-10"));
        }
    }

    /**
     * A client chooses the model name it sends (JSON lets it hold NUL); PostgreSQL's text refuses NUL. Such a
     * row must not make every batch after it fail, the writer retrying it forever while the queue fills and drops.
     */
    @Test
    void aModelNameHoldingANulCharacterDoesNotStopTheWriter() throws Exception {
        LedgerEntry seed = SeededLedger.ENTRIES.getFirst();
        LedgerEntry nul = new LedgerEntry(seed.time(), "req_nul", seed.clientKeyId(), seed.sessionId(),
                "claude\u0000sonnet", seed.route(), seed.provider(), "claude\u0000sonnet", seed.stream(),
                seed.httpStatus(), seed.errorType(), seed.stopReason(), seed.tokens(), seed.spend(), seed.ttfbMillis(),
                seed.durationMillis(), 0, 0);
        try (Ledger ledger = Ledger.open(freshLedger())) {
            ledger.record(nul);
            ledger.record(SeededLedger.ENTRIES.get(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 2);
            List<String> models = new ArrayList<>();
            ledger.store().forEach(null, null, entry -> models.add(entry.requestedModel()));
            assertThat(models).containsExactly("claude\ufffdsonnet", SeededLedger.ENTRIES.get(1).requestedModel());
        }
    }

    /**
     * An amount too large for a bigint of 10^-10 USD (an upstream reporting absurd usage or cost; Money.parse admits
     * up to 10^9 USD) is unknown, not an exception that fails its batch at every retry, every row after it waiting.
     */
    @Test
    void anAmountBeyondTheColumnDoesNotStopTheWriter() throws Exception {
        LedgerEntry seed = SeededLedger.ENTRIES.getFirst();
        LedgerEntry absurd = new LedgerEntry(seed.time(), "req_absurd", seed.clientKeyId(), seed.sessionId(),
                seed.requestedModel(), seed.route(), seed.provider(), seed.upstreamModel(), seed.stream(),
                seed.httpStatus(), seed.errorType(), seed.stopReason(), seed.tokens(),
                new LedgerEntry.Spend(new BigDecimal("0.01"), new BigDecimal("999999999"), null, null),
                seed.ttfbMillis(), seed.durationMillis(), 0, 0);
        try (Ledger ledger = Ledger.open(freshLedger())) {
            ledger.record(absurd);
            ledger.record(SeededLedger.ENTRIES.get(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 2);
            List<LedgerEntry> read = new ArrayList<>();
            ledger.store().forEach(null, null, read::add);
            assertThat(read.getFirst().spend().charged()).isNull();
            assertThat(read.getFirst().spend().computed()).isEqualByComparingTo("0.01");
        }
    }

    @Test
    void batchesOfSeveralStatementsAreWrittenWholeAndInOrder() throws Exception {
        // two batches, each a statement of ROWS_PER_INSERT rows and single rows, on the statements prepared once
        List<LedgerEntry> batch = rowsForSeveralStatements();
        try (Ledger ledger = Ledger.open(freshLedger()); LedgerInserts inserts = ledger.store().inserts()) {
            inserts.insert(batch.subList(0, LedgerStore.ROWS_PER_INSERT + 1));
            inserts.insert(batch.subList(LedgerStore.ROWS_PER_INSERT + 1, batch.size())); // the statements again
            assertThat(readBack(ledger)).usingRecursiveFieldByFieldElementComparator(NULLABLE_AMOUNTS)
                    .containsExactlyElementsOf(batch);
        }
    }

    /**
     * The writer retries a batch whose commit failed exactly as it was. Both statements skip the rows already
     * present, so a batch the database had committed (only the answer was lost) adds nothing the second time.
     */
    @Test
    void aBatchInsertedAgainAddsNoRow() throws Exception {
        List<LedgerEntry> batch = rowsForSeveralStatements();
        try (Ledger ledger = Ledger.open(freshLedger()); LedgerInserts inserts = ledger.store().inserts()) {
            assertThat(inserts.insert(batch)).isEqualTo(2 * LedgerStore.ROWS_PER_INSERT + 3);

            assertThat(inserts.insert(batch)).isZero();

            assertThat(readBack(ledger)).usingRecursiveFieldByFieldElementComparator(NULLABLE_AMOUNTS)
                    .containsExactlyElementsOf(batch);
        }
    }

    /**
     * A commit the server made but whose answer never came back (the connection dropped: a shared PostgreSQL's
     * failover, a network cut) makes the writer write the batch again: each request must still count once in the
     * sums that budgets, {@code ccrouter usage} and the status line read.
     */
    @Test
    void aBatchWrittenAgainAfterItsCommitsAnswerWasLostCountsOnce() throws Exception {
        AtomicInteger answersLost = new AtomicInteger();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger writerLog = (Logger) LoggerFactory.getLogger(LedgerWriter.class);
        log.start();
        writerLog.addAppender(log);
        try (LedgerDatabase database = LedgerDatabase.open(freshLedger())) {
            LedgerStore firstAnswerLost = new LedgerStore(() -> firstCommitsAnswerLost(database.connection(),
                    answersLost));
            try (LedgerWriter writer = new LedgerWriter(firstAnswerLost,
                    new LedgerSettings(true, database.settings().url(), 100, Duration.ofMillis(20)))) {
                SeededLedger.ENTRIES.forEach(writer::record);
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == SeededLedger.ENTRIES.size());
            }

            assertThat(answersLost).as("a batch was committed, then written again").hasValue(1);
            // however the rows fell into batches, all of the retried one were found already written
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).filteredOn(m -> m.contains("retried"))
                    .singleElement().asString().matches("ledger: (\\d+) of \\1 rows retried were already written "
                            + "\\(the database committed them, its answer was lost\\): not written again");
            LedgerStore store = database.store();
            assertThat(store.count()).isEqualTo(6);
            assertThat(store.since(Instant.EPOCH)).isEqualTo(new UsageTotals(6, 3600, 650, 56000, 5500,
                    new BigDecimal("0.0527350000"), 1, new BigDecimal("0.1312000000")));
            assertThat(store.keySpentSince("key_a", Instant.EPOCH)).isEqualTo(new BigDecimal("0.0515250000"));
        } finally {
            writerLog.detachAppender(log);
        }
    }

    /**
     * A ledger the retries had already written twice to: the upgrade keeps the first row of each request (the lowest
     * id) and drops its copies, so that the unique index can be made and the sums are right from then on.
     */
    @Test
    void upgradingALedgerHoldingCopiesKeepsTheFirstRowOfEachRequest() throws Exception {
        LedgerSettings settings = freshLedger();
        SchemaMigration.configuration(settings).dataSource(settings.url(), null, null).target("1").load().migrate();
        try (Connection connection = LedgerDatabase.connect(settings)) {
            // rows 1 to 6: req_a three times, req_c twice, as a retried batch wrote them (each copy the same)
            insertVersion1Row(connection, 1_000, "req_a", 100, 100_000_000L);
            insertVersion1Row(connection, 2_000, "req_b", 200, 200_000_000L);
            insertVersion1Row(connection, 1_000, "req_a", 100, 100_000_000L);
            insertVersion1Row(connection, 3_000, "req_c", 300, 50_000_000L);
            insertVersion1Row(connection, 1_000, "req_a", 100, 100_000_000L);
            insertVersion1Row(connection, 3_000, "req_c", 300, 50_000_000L);
        }

        try (Ledger ledger = Ledger.open(settings)) {
            assertThat(readBack(ledger)).extracting(LedgerEntry::requestId).containsExactly("req_a", "req_b", "req_c");
            assertThat(ids(settings)).containsExactly(1L, 2L, 4L);
            assertThat(ledger.store().since(Instant.EPOCH)).isEqualTo(new UsageTotals(3, 600, 0, 0, 0,
                    new BigDecimal("0.0350000000"), 0, BigDecimal.ZERO.setScale(10)));
            assertThat(ledger.store().keySpentSince("key_u", Instant.EPOCH)).isEqualTo(new BigDecimal("0.0350000000"));
        }
        try (Connection after = LedgerDatabase.connect(settings)) {
            assertThat(SchemaHistory.isCurrent(after)).isTrue();
        }
    }

    @Test
    void sessionDayAndKeySumsAreExact() throws Exception {
        try (Ledger ledger = seeded()) {
            LedgerStore store = ledger.store();
            assertThat(store.session("s-1")).isEqualTo(new UsageTotals(2, 1500, 500, 48000, 5500,
                    new BigDecimal("0.0515250000"), 0, new BigDecimal("0.1296000000")));
            assertThat(store.since(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(new UsageTotals(4, 2100, 150,
                    8000, 0, new BigDecimal("0.0012100000"), 1, new BigDecimal("0.0016000000")));
            assertThat(store.keySpentSince("key_a", Instant.parse("2026-11-30T12:00:00Z")))
                    .isEqualTo(new BigDecimal("0.0180000000"));
            assertThat(store.keySpentSince("key_a", Instant.parse("2026-11-30T00:00:00Z")))
                    .isEqualTo(new BigDecimal("0.0515250000"));
            assertThat(store.keySpentSince("key_b", Instant.parse("2026-11-30T00:00:00Z")))
                    .isEqualTo(new BigDecimal("0.0012100000"));
            assertThat(store.count()).isEqualTo(6);
        }
    }

    /**
     * Rows an older version stored from an upstream's absurd usage ({@code 1e30} read as 2^63 − 1 tokens,
     * {@code 99999999999999999999999} as 200376420520689663) count no tokens where they are no counts: before, SQLite's
     * sums failed with "integer overflow" (the status line said "ledger unavailable"), PostgreSQL's did not fit a long,
     * and {@code ccrouter usage} and the dashboard added them into negative totals.
     */
    @Test
    void tokenCountsAnOlderVersionStoredFromAbsurdUsageCountAsNone() throws Exception {
        LedgerEntry seed = SeededLedger.ENTRIES.getFirst(); // session s-1, 2026-11-30 10:00
        List<LedgerEntry.Tokens> stored = List.of(
                new LedgerEntry.Tokens(Long.MAX_VALUE, 3, 0, 0, 0, 0, false),
                new LedgerEntry.Tokens(1000, 200376420520689663L, Long.MAX_VALUE, 0, 0, 200376420520689663L, false));
        List<LedgerEntry> absurd = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) { // a minute apart, after the seeded request
            absurd.add(new LedgerEntry(seed.time().plusSeconds(60L * (i + 1)), "req_absurd_" + i, seed.clientKeyId(),
                    seed.sessionId(), seed.requestedModel(), seed.route(), seed.provider(), seed.upstreamModel(),
                    seed.stream(), 200, null, "end_turn", stored.get(i), LedgerEntry.Spend.UNKNOWN,
                    seed.ttfbMillis(), seed.durationMillis(), 0, 0));
        }
        try (Ledger ledger = seeded()) {
            absurd.forEach(ledger::record);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ledger.writer().written() == SeededLedger.ENTRIES.size() + absurd.size());
            LedgerStore store = ledger.store();

            // s-1's two seeded requests, and the two absurd ones with the 3 and the 1000 tokens that are counts
            assertThat(store.session("s-1")).isEqualTo(new UsageTotals(4, 2500, 503, 48000, 5500,
                    new BigDecimal("0.0515250000"), 2, new BigDecimal("0.1296000000")));
            assertThat(store.since(Instant.parse("2026-11-30T00:00:00Z"))).isEqualTo(new UsageTotals(8, 4600, 653,
                    56000, 5500, new BigDecimal("0.0527350000"), 3, new BigDecimal("0.1312000000")));
            List<LedgerEntry> read = new ArrayList<>();
            store.forEach(seed.time().plusSeconds(1), seed.time().plusSeconds(3600), read::add);
            assertThat(read).extracting(LedgerEntry::tokens).containsExactly(
                    new LedgerEntry.Tokens(0, 3, 0, 0, 0, 0, false),
                    new LedgerEntry.Tokens(1000, 0, 0, 0, 0, 0, false));

            assertThat(usageJson(ledger, "daily", "--timezone", "UTC").path("totals").toString())
                    .isEqualTo("{\"requests\":8,\"input_tokens\":4600,\"output_tokens\":653,"
                            + "\"cache_creation_input_tokens\":5500,\"cache_read_input_tokens\":56000,"
                            + "\"total_tokens\":66753,\"cost_usd\":0.052735,\"unpriced_requests\":3,"
                            + "\"cache_hit_ratio\":0.8472,\"cache_savings_usd\":0.1312}");
            Clock noonDecember1 = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
            assertThat(LedgerCli.statusline(ledger.settings(), "{\"session_id\":\"s-1\"}", noonDecember1).out())
                    .isEqualTo("ccrouter · session $0.0515 · 56.5k tokens · cache 86% · today $0.0012\n");
        }
    }

    @Test
    void dailyJsonHasExactTotalsInTheGivenTimeZone() throws Exception {
        try (Ledger ledger = seeded()) {
            JsonNode utc = usageJson(ledger, "daily", "--timezone", "UTC");
            assertThat(utc.path("rows").findValuesAsText("date")).containsExactly("2026-11-30", "2026-12-01", "2026-12-02");
            assertThat(utc.path("rows").path(0).toString()).isEqualTo("{\"date\":\"2026-11-30\",\"requests\":2,"
                    + "\"input_tokens\":1500,\"output_tokens\":500,\"cache_creation_input_tokens\":5500,"
                    + "\"cache_read_input_tokens\":48000,\"total_tokens\":55500,\"cost_usd\":0.051525,"
                    + "\"unpriced_requests\":0,\"cache_hit_ratio\":0.8727,\"cache_savings_usd\":0.1296,"
                    + "\"models\":[\"anthropic/claude-sonnet-4.6\"]}");
            assertThat(utc.path("totals").toString()).isEqualTo("{\"requests\":6,\"input_tokens\":3600,"
                    + "\"output_tokens\":650,\"cache_creation_input_tokens\":5500,\"cache_read_input_tokens\":56000,"
                    + "\"total_tokens\":65750,\"cost_usd\":0.052735,\"unpriced_requests\":1,"
                    + "\"cache_hit_ratio\":0.8602,\"cache_savings_usd\":0.1312}");

            JsonNode berlin = usageJson(ledger, "daily", "--timezone", "Europe/Berlin");
            assertThat(berlin.path("rows").findValuesAsText("date"))
                    .containsExactly("2026-11-30", "2026-12-01", "2026-12-02");
            assertThat(berlin.path("rows").path(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.033525");
            assertThat(berlin.path("rows").path(1).path("requests").asLong()).isEqualTo(3);
            assertThat(berlin.path("rows").path(1).path("cost_usd").decimalValue()).isEqualByComparingTo("0.01921");
        }
    }

    @Test
    void sinceAndUntilAreWholeDaysInclusive() throws Exception {
        try (Ledger ledger = seeded()) {
            JsonNode report = usageJson(ledger, "daily", "--timezone", "UTC", "--since", "2026-12-01",
                    "--until", "20261201");
            assertThat(report.path("since").asText()).isEqualTo("2026-12-01");
            assertThat(report.path("rows").findValuesAsText("date")).containsExactly("2026-12-01");
            assertThat(report.path("totals").path("requests").asLong()).isEqualTo(2);
            assertThat(report.path("totals").path("cost_usd").decimalValue()).isEqualByComparingTo("0.00121");
        }
    }

    @Test
    void monthlySessionModelAndKeyViewsHaveExactTotals() throws Exception {
        try (Ledger ledger = seeded()) {
            JsonNode monthly = usageJson(ledger, "monthly", "--timezone", "UTC");
            assertThat(monthly.path("rows").findValuesAsText("month")).containsExactly("2026-11", "2026-12");
            assertThat(monthly.path("rows").path(1).path("requests").asLong()).isEqualTo(4);
            assertThat(monthly.path("rows").path(1).path("total_tokens").asLong()).isEqualTo(10250);

            JsonNode sessions = usageJson(ledger, "session");
            assertThat(sessions.path("rows").findValuesAsText("session_id")).containsExactly("s-1", "s-2", "(none)", "s-3");
            assertThat(sessions.path("rows").path(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.051525");

            JsonNode models = usageJson(ledger, "model");
            assertThat(models.path("rows").findValuesAsText("model"))
                    .containsExactly(SeededLedger.SONNET, SeededLedger.DEEPSEEK, "claude-sonnet-4-6", "unknown/model");
            assertThat(models.path("rows").path(1).path("cache_savings_usd").decimalValue()).isEqualByComparingTo("0.0016");

            JsonNode keys = usageJson(ledger, "key", "--breakdown");
            assertThat(keys.path("rows").findValuesAsText("key_id")).containsExactly("key_a", "key_b", "(none)");
            JsonNode keyA = keys.path("rows").path(0);
            assertThat(keyA.path("requests").asLong()).isEqualTo(3);
            assertThat(keyA.path("input_tokens").asLong()).isEqualTo(1600);
            assertThat(keyA.path("unpriced_requests").asLong()).isEqualTo(1);
            assertThat(keyA.path("breakdown").findValuesAsText("model"))
                    .containsExactly(SeededLedger.SONNET, "unknown/model");
            assertThat(keyA.path("breakdown").path(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.051525");
        }
    }

    @Test
    void dailyTableShowsEveryColumn() throws Exception {
        try (Ledger ledger = seeded()) {
            LedgerCli.Result result = LedgerCli.usage(ledger.settings(),
                    "daily", "--timezone", "UTC", "--breakdown");
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).isEqualTo("""
                    Usage by day (UTC)

                    Date                           Requests  Input  Output  Cache write  Cache read  Total tokens     Cost  Cache hit    Saved
                    --------------------------------------------------------------------------------------------------------------------------
                    2026-11-30                            2  1,500     500        5,500      48,000        55,500  $0.0515      87.3%  $0.1296
                      anthropic/claude-sonnet-4.6         2  1,500     500        5,500      48,000        55,500  $0.0515      87.3%  $0.1296
                    2026-12-01                            2  2,000     100            0       8,000        10,100  $0.0012      80.0%  $0.0016
                      deepseek/deepseek-chat              2  2,000     100            0       8,000        10,100  $0.0012      80.0%  $0.0016
                    2026-12-02                            2    100      50            0           0           150        -       0.0%  $0.0000
                      claude-sonnet-4-6                   1      0       0            0           0             0  $0.0000          -  $0.0000
                      unknown/model                       1    100      50            0           0           150        -       0.0%  $0.0000
                    --------------------------------------------------------------------------------------------------------------------------
                    Total                                 6  3,600     650        5,500      56,000        65,750  $0.0527      86.0%  $0.1312

                    1 request(s) have no computed cost (no price for the model, or no usage reported) and are not in Cost.
                    """);
        }
    }

    @Test
    void statuslineShowsTheSessionAndToday() throws Exception {
        String claudeCodeInput = """
                {"hook_event_name":"Status","cwd":"/home/me/project","model":{"id":"claude-sonnet-4-6",
                 "display_name":"Sonnet 4.6"},"workspace":{"current_dir":"/home/me/project",
                 "project_dir":"/home/me/project"},"cost":{"total_cost_usd":0.05},"session_id":"s-1",
                 "version":"2.1.0","output_style":{"name":"default"}}""";
        Clock noonDecember1 = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        try (Ledger ledger = seeded()) {
            LedgerCli.Result result = LedgerCli.statusline(ledger.settings(), claudeCodeInput, noonDecember1);
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).isEqualTo("ccrouter · session $0.0515 · 55.5k tokens · cache 87% · today $0.0012\n");

            LedgerCli.Result noSession = LedgerCli.statusline(ledger.settings(), "{\"model\":{}}", noonDecember1);
            assertThat(noSession.out()).isEqualTo("ccrouter · today $0.0012\n");
        }
    }

    /** A session on a model without prices has no known cost: $0.0000 would read as free, as in the usage table. */
    @Test
    void statuslineSaysWhenNoCostIsKnown() throws Exception {
        Clock afternoonDecember2 = Clock.fixed(Instant.parse("2026-12-02T15:00:00Z"), ZoneOffset.UTC);
        try (Ledger ledger = seeded()) {
            LedgerCli.Result result = LedgerCli.statusline(ledger.settings(), "{\"session_id\":\"s-3\"}",
                    afternoonDecember2);
            assertThat(result.out())
                    .isEqualTo("ccrouter · session cost unknown · 150 tokens · cache 0% · today cost unknown\n");
        }
    }

    @Test
    void aFreshDatabaseIsMigratedAndItsHistoryThenSaysCurrent() throws Exception {
        LedgerSettings settings = freshLedger();
        try (Connection before = LedgerDatabase.connect(settings)) {
            assertThat(SchemaHistory.isCurrent(before)).as("no history yet").isFalse();
        }
        Ledger.open(settings).close();
        try (Connection after = LedgerDatabase.connect(settings)) {
            assertThat(SchemaHistory.isCurrent(after)).isTrue();
        }
    }

    /** A database holding other tables (an application's) used to be refused: "Found non-empty schema(s)". */
    @Test
    void aDatabaseHoldingOtherTablesGetsTheLedgerBesideThem() throws Exception {
        LedgerSettings settings = freshLedger();
        try (Connection connection = LedgerDatabase.connect(settings);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE app_users (id INTEGER)");
        }

        try (Ledger ledger = Ledger.open(settings)) {
            ledger.record(SeededLedger.ENTRIES.getFirst());
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 1);
            assertThat(ledger.store().count()).isEqualTo(1);
        }
        try (Connection after = LedgerDatabase.connect(settings)) {
            assertThat(SchemaHistory.isCurrent(after)).as("the next start needs no Flyway").isTrue();
        }
    }

    @Test
    void aCurrentSchemaIsOpenedWithoutRunningFlyway() throws Exception {
        LedgerSettings settings = freshLedger();
        Ledger.open(settings).close();
        // Flyway's validation refuses a migration whose checksum changed: opening anyway shows Flyway did not run.
        history(settings, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

        try (Ledger reopened = Ledger.open(settings)) {
            reopened.record(SeededLedger.ENTRIES.getFirst());
            await().atMost(Duration.ofSeconds(10)).until(() -> reopened.writer().written() == 1);
            assertThat(reopened.store().count()).isEqualTo(1);
        }
    }

    @Test
    void aHistoryThatIsNotExactlyTheKnownMigrationsIsLeftToFlyway() throws Exception {
        LedgerSettings settings = freshLedger();
        Ledger.open(settings).close();
        history(settings, "UPDATE flyway_schema_history SET success = false WHERE version = '1'");

        assertThatThrownBy(() -> Ledger.open(settings)).isInstanceOf(LedgerUnavailableException.class)
                .hasMessage("ledger database " + settings.displayUrl() + " could not be set up: "
                        + "Validate failed: Migrations have failed validation");
    }

    private static final RecursiveComparisonConfiguration NULLABLE_AMOUNTS = RecursiveComparisonConfiguration.builder()
            .withComparatorForType(Comparator.nullsFirst(BigDecimal::compareTo), BigDecimal.class).build();

    /**
     * Rows for two statements of {@link LedgerStore#ROWS_PER_INSERT} rows and three single ones; the seeded rows' nulls
     * at every row's offset, in time order (as they are read back).
     */
    private static List<LedgerEntry> rowsForSeveralStatements() {
        List<LedgerEntry> batch = new ArrayList<>();
        Instant start = Instant.parse("2026-12-03T00:00:00Z");
        for (int i = 0; i < 2 * LedgerStore.ROWS_PER_INSERT + 3; i++) {
            LedgerEntry seed = SeededLedger.ENTRIES.get(i % SeededLedger.ENTRIES.size());
            batch.add(new LedgerEntry(start.plusMillis(i), "req_batch_" + i, seed.clientKeyId(), seed.sessionId(),
                    seed.requestedModel(), seed.route(), seed.provider(), seed.upstreamModel(), seed.stream(),
                    seed.httpStatus(), seed.errorType(), seed.stopReason(), seed.tokens(), seed.spend(),
                    seed.ttfbMillis(), seed.durationMillis() + i, seed.retries(), seed.fallbacks()));
        }
        return batch;
    }

    private static List<LedgerEntry> readBack(Ledger ledger) throws SQLException {
        List<LedgerEntry> read = new ArrayList<>();
        ledger.store().forEach(null, null, read::add);
        return read;
    }

    /** The connection, except that the answer to its first commit is lost: the commit is made, then it "drops". */
    private static Connection firstCommitsAnswerLost(Connection connection, AtomicInteger answersLost) {
        return (Connection) Proxy.newProxyInstance(LedgerContract.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("commit") && answersLost.compareAndSet(0, 1)) {
                        throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                    }
                    return result;
                });
    }

    /** A row of version 1's table, which let a request's row be written twice; 10^-10 USD for the cost. */
    private static void insertVersion1Row(Connection connection, long ts, String requestId, long inputTokens,
                                          long costE10) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_entry (ts, request_id, "
                + "client_key_id, requested_model, stream, http_status, input_tokens, output_tokens, cache_read_tokens, "
                + "cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, usage_estimated, cost_e10, "
                + "duration_ms, retries, fallbacks) VALUES (?, ?, 'key_u', 'claude-sonnet-4-6', ?, 200, ?, 0, 0, 0, 0, "
                + "0, ?, ?, 10, 0, 0)")) {
            insert.setLong(1, ts);
            insert.setString(2, requestId);
            insert.setBoolean(3, false);
            insert.setLong(4, inputTokens);
            insert.setBoolean(5, false);
            insert.setLong(6, costE10);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<Long> ids(LedgerSettings settings) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = LedgerDatabase.connect(settings); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM ledger_entry ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void history(LedgerSettings settings, String update) throws SQLException {
        try (Connection connection = LedgerDatabase.connect(settings); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(update)).isEqualTo(1);
        }
    }

    private JsonNode usageJson(Ledger ledger, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        LedgerCli.Result result = LedgerCli.usage(ledger.settings(), all.toArray(String[]::new));
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        return JSON.readTree(result.out());
    }
}

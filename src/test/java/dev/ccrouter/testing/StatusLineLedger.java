package dev.ccrouter.testing;

import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.LedgerEntry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A SQLite ledger for the status line's tests, with known numbers relative to now: Claude Code session {@code s-1}
 * made two Sonnet requests two days ago, and another session spent $1.50 today.
 *
 * <pre>
 * session  when         in    out   cache read  cache write   cost
 * s-1      2 days ago   500   300   48,000      3,500 (5m)    0.033525
 * s-1      2 days ago   1000  200   0           2,000 (1h)    0.018
 * s-2      now          0     0     0           0             1.5
 * </pre>
 *
 * Session s-1: $0.051525 → {@code $0.0515}; 55,500 tokens → {@code 55.5k}; cache reads 48,000 of a 55,000-token
 * prompt → {@code 87%}. Today: {@code $1.50}.
 */
public final class StatusLineLedger {
    /** What Claude Code pipes to a status-line command (code.claude.com/docs/en/statusline), for session s-1. */
    public static final String CLAUDE_CODE_JSON = """
            {"hook_event_name":"Status","session_id":"s-1","transcript_path":"/home/me/.claude/projects/p/s-1.jsonl",
             "cwd":"/home/me/project","model":{"id":"claude-sonnet-4-6","display_name":"Sonnet 4.6"},
             "workspace":{"current_dir":"/home/me/project","project_dir":"/home/me/project"},"version":"2.1.197",
             "output_style":{"name":"default"},"cost":{"total_cost_usd":0.05,"total_duration_ms":45000,
             "total_api_duration_ms":2300,"total_lines_added":156,"total_lines_removed":23},"exceeds_200k_tokens":false}
            """;

    /** The line for {@link #CLAUDE_CODE_JSON}, "today" being the UTC day. */
    public static final String LINE = "ccrouter · session $0.0515 · 55.5k tokens · cache 87% · today $1.50";

    private StatusLineLedger() {
    }

    /** Writes the rows into {@code <dir>/ledger.db} and returns its settings. */
    public static LedgerSettings seed(Path dir) {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        Instant twoDaysAgo = Instant.now().minus(2, ChronoUnit.DAYS);
        List<LedgerEntry> rows = List.of(
                entry(twoDaysAgo, "req_1", "s-1", new LedgerEntry.Tokens(500, 300, 48_000, 3_500, 0, 0, false),
                        "0.033525"),
                entry(twoDaysAgo.plusSeconds(60), "req_2", "s-1", new LedgerEntry.Tokens(1_000, 200, 0, 0, 2_000, 0,
                        false), "0.018"),
                entry(Instant.now(), "req_3", "s-2", LedgerEntry.Tokens.NONE, "1.5"));
        try (Ledger ledger = Ledger.open(settings)) {
            rows.forEach(ledger::record);
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == rows.size());
        }
        return settings;
    }

    private static LedgerEntry entry(Instant time, String requestId, String session, LedgerEntry.Tokens tokens,
                                     String cost) {
        return new LedgerEntry(time, requestId, null, session, "claude-sonnet-4-6", null, "openrouter.ai",
                "anthropic/claude-sonnet-4.6", true, 200, null, "end_turn", tokens,
                new LedgerEntry.Spend(new BigDecimal(cost), null, null, BigDecimal.ZERO), 100L, 1_000, 0, 0);
    }
}

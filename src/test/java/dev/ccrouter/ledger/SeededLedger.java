package dev.ccrouter.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Six requests with known numbers, for the ledger's and {@code ccrouter usage}'s tests. Sonnet 4.6 at $3/M input,
 * $15/M output, $0.30/M cache read, $3.75/M (5 min) and $6/M (1 h) cache writes; DeepSeek at $0.27/M input, $1.10/M
 * output, $0.07/M cache read.
 *
 * <pre>
 * time (UTC)          session key    model                          in     out  read    write    cost       saved
 * 2026-11-30 10:00    s-1     key_a  anthropic/claude-sonnet-4.6   500    300  48000   3500 5m  0.033525   0.1296
 * 2026-11-30 23:30    s-1     key_a  anthropic/claude-sonnet-4.6  1000    200      0   2000 1h  0.018      0
 * 2026-12-01 09:00    s-2     key_b  deepseek/deepseek-chat       2000    100   8000      0     0.00121    0.0016
 * 2026-12-01 09:05    s-2     key_b  deepseek/deepseek-chat   (429 rate_limit_error, no usage)
 * 2026-12-02 12:00    -       -      claude-sonnet-4-6        (401 authentication_error, never sent upstream)
 * 2026-12-02 13:00    s-3     key_a  unknown/model                 100     50      0      0     unknown (estimated)
 * </pre>
 * 23:30 UTC on November 30 is already December 1 in Europe/Berlin.
 */
public final class SeededLedger {
    public static final String SONNET = "anthropic/claude-sonnet-4.6";
    public static final String DEEPSEEK = "deepseek/deepseek-chat";

    public static final List<LedgerEntry> ENTRIES = List.of(
            entry("2026-11-30T10:00:00Z", "req_1", "key_a", "s-1", "claude-sonnet-4-6", SONNET, true, 200, null,
                    "end_turn", new LedgerEntry.Tokens(500, 300, 48000, 3500, 0, 120, false),
                    new LedgerEntry.Spend(usd("0.033525"), usd("0.033525"), usd("0"), usd("0.1296")), 420L, 5300),
            entry("2026-11-30T23:30:00Z", "req_2", "key_a", "s-1", "claude-sonnet-4-6", SONNET, false, 200, null,
                    "tool_use", new LedgerEntry.Tokens(1000, 200, 0, 0, 2000, 0, false),
                    new LedgerEntry.Spend(usd("0.018"), usd("0.0180001"), usd("0.0000001"), usd("0")), 900L, 2100),
            entry("2026-12-01T09:00:00Z", "req_3", "key_b", "s-2", "claude-haiku-4-5", DEEPSEEK, true, 200, null,
                    "end_turn", new LedgerEntry.Tokens(2000, 100, 8000, 0, 0, 0, false),
                    new LedgerEntry.Spend(usd("0.00121"), null, null, usd("0.0016")), 150L, 800),
            entry("2026-12-01T09:05:00Z", "req_4", "key_b", "s-2", "claude-haiku-4-5", DEEPSEEK, true, 429,
                    "rate_limit_error", null, LedgerEntry.Tokens.NONE, LedgerEntry.Spend.UNKNOWN, 30L, 31),
            entry("2026-12-02T12:00:00Z", "req_5", null, null, "claude-sonnet-4-6", null, false, 401,
                    "authentication_error", null, LedgerEntry.Tokens.NONE, LedgerEntry.Spend.UNKNOWN, 1L, 1),
            entry("2026-12-02T13:00:00Z", "req_6", "key_a", "s-3", "claude-opus-4-6", "unknown/model", false, 200,
                    null, "end_turn", new LedgerEntry.Tokens(100, 50, 0, 0, 0, 0, true),
                    LedgerEntry.Spend.UNKNOWN, 700L, 700));

    private SeededLedger() {
    }

    private static LedgerEntry entry(String time, String requestId, String key, String session, String requested,
                                     String upstream, boolean stream, int status, String error, String stopReason,
                                     LedgerEntry.Tokens tokens, LedgerEntry.Spend spend, Long ttfb, long duration) {
        return new LedgerEntry(Instant.parse(time), requestId, key, session, requested, null,
                upstream == null ? null : "openrouter.ai", upstream, stream, status, error, stopReason, tokens, spend,
                ttfb, duration, 0, 0);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }
}

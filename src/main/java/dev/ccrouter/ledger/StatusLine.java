package dev.ccrouter.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ccrouter.config.LedgerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * The one line Claude Code's status line shows, from the ledger: this session's cost, tokens and cache-hit share,
 * and today's spend, such as {@code ccrouter · session $0.0515 · 55.5k tokens · cache 87% · today $1.20}. The
 * running gateway ({@code POST /statusline}) and {@code ccrouter statusline} (when no gateway answers) both print it
 * from here, so the line is the same whichever answered.
 */
public final class StatusLine {
    private static final JsonFactory JSON = new JsonFactory();

    /** When {@code ledger.enabled} is false. */
    public static final String NO_LEDGER = "ccrouter: no ledger (ledger.enabled is false)";

    private StatusLine() {
    }

    /**
     * The line for a session.
     *
     * @param sessionId    Claude Code's {@code session_id}; null leaves the session part out
     * @param startOfToday midnight of the caller's day, where "today" begins
     */
    public static String of(LedgerStore store, String sessionId, Instant startOfToday) throws SQLException {
        UsageTotals today = store.since(startOfToday);
        StringBuilder line = new StringBuilder("ccrouter");
        if (sessionId != null) {
            UsageTotals session = store.session(sessionId);
            line.append(" · session ").append(cost(session))
                    .append(" · ").append(tokens(session.totalTokens())).append(" tokens");
            if (session.cacheHitRatio() != null) {
                line.append(" · cache ").append(session.cacheHitRatio().movePointRight(2)
                        .setScale(0, RoundingMode.HALF_EVEN).toPlainString()).append('%');
            }
        }
        return line.append(" · today ").append(cost(today)).toString();
    }

    /**
     * The computed cost, or "cost unknown" when none of the requests has one (a model without prices): $0.0000
     * would read as free. Partly without prices, what is known.
     */
    private static String cost(UsageTotals totals) {
        return totals.unpricedRequests() > 0 && totals.costUsd().signum() == 0 ? "cost unknown"
                : dollars(totals.costUsd());
    }

    /** The line when the ledger's database cannot be read; its URL without the query, where a password may be. */
    public static String unavailable(LedgerSettings settings) {
        return "ccrouter: ledger unavailable (" + settings.displayUrl() + ")";
    }

    /**
     * The top-level {@code session_id} of Claude Code's status-line JSON, read without building a tree; null when
     * there is none or the input is not a JSON object (a status line without the session part beats none).
     */
    public static String sessionId(InputStream in) {
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("session_id") && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Dollars as a status line shows them: cents from a dollar up, else four decimals. */
    static String dollars(BigDecimal usd) {
        BigDecimal fine = usd.setScale(4, RoundingMode.HALF_EVEN); // $0.99996 shows as a dollar: in cents
        return "$" + (fine.compareTo(BigDecimal.ONE) >= 0 ? usd.setScale(2, RoundingMode.HALF_EVEN) : fine)
                .toPlainString();
    }

    /** 950, 52.7k, 1.23M. */
    static String tokens(long count) {
        if (count < 1_000) {
            return String.valueOf(count);
        }
        if (count < 999_950) { // from there on %.1fk would say 1000.0k
            return String.format(Locale.ROOT, "%.1fk", count / 1_000.0);
        }
        return String.format(Locale.ROOT, "%.2fM", count / 1_000_000.0);
    }
}

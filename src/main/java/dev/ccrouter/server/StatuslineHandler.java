package dev.ccrouter.server;

import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.StatusLine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * {@code POST /statusline}: Claude Code's status line, answered by the running gateway so that the
 * {@code ./ccrouter} launcher can pipe Claude Code's JSON here with curl instead of starting a JVM after every
 * message (half a second; the line is wanted in well under 50 ms). The body is Claude Code's status-line JSON, the
 * answer the one line of {@link StatusLine} as plain text, exactly what {@code ccrouter statusline} prints.
 * "Today" begins at midnight in {@code ?tz=} (the caller's {@code TZ}), else in the gateway's time zone.
 */
final class StatuslineHandler {
    /** Claude Code's status-line JSON is a few hundred bytes; more is read no further. */
    private static final int MAX_BODY = 64 * 1024;

    private final Ledger ledger;

    /** @param ledger null when {@code ledger.enabled} is false */
    StatuslineHandler(Ledger ledger) {
        this.ledger = ledger;
    }

    void handle(ServerRequest req, ServerResponse res) throws IOException {
        String sessionId;
        try (InputStream body = req.body()) {
            sessionId = StatusLine.sessionId(new ByteArrayInputStream(body.readNBytes(MAX_BODY)));
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(line(sessionId, zone(req)) + "\n");
    }

    private String line(String sessionId, ZoneId zone) {
        if (ledger == null) {
            return StatusLine.NO_LEDGER;
        }
        try {
            return StatusLine.of(ledger.store(), sessionId, LocalDate.now(zone).atStartOfDay(zone).toInstant());
        } catch (SQLException e) {
            return StatusLine.unavailable(ledger.settings());
        }
    }

    /** The caller's zone: {@code TZ} as the launcher passes it (an IANA name, perhaps after a colon). */
    private static ZoneId zone(ServerRequest req) {
        String tz = req.query("tz").map(value -> value.startsWith(":") ? value.substring(1) : value)
                .orElse("");
        try {
            return tz.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(tz);
        } catch (DateTimeException e) {
            return ZoneId.systemDefault();
        }
    }
}

package dev.ccrouter.ledger;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.BiFunction;

/** How {@code ccrouter usage} groups the ledger's rows: by day, month, session, model or client key. */
public enum UsageView {
    DAILY("date", (entry, zone) -> DateTimeFormatter.ISO_LOCAL_DATE.format(entry.time().atZone(zone))),
    MONTHLY("month", (entry, zone) -> DateTimeFormatter.ofPattern("yyyy-MM").format(entry.time().atZone(zone))),
    SESSION("session_id", (entry, zone) -> orNone(entry.sessionId())),
    MODEL("model", (entry, zone) -> orNone(entry.billedModel())),
    KEY("key_id", (entry, zone) -> orNone(entry.clientKeyId()));

    /** What a row of this view is keyed by: its field in {@code usage --json}. */
    private final String column;
    private final BiFunction<LedgerEntry, ZoneId, String> key;

    UsageView(String column, BiFunction<LedgerEntry, ZoneId, String> key) {
        this.column = column;
        this.key = key;
    }

    public String column() {
        return column;
    }

    public String wireName() {
        return name().toLowerCase();
    }

    /** Days and months sort by time; the others by cost, highest first. */
    public boolean chronological() {
        return this == DAILY || this == MONTHLY;
    }

    public String keyOf(LedgerEntry entry, ZoneId zone) {
        return key.apply(entry, zone);
    }

    private static String orNone(String value) {
        return value == null || value.isBlank() ? "(none)" : value;
    }
}

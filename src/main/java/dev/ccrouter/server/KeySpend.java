package dev.ccrouter.server;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * What one client key has spent in the current UTC day and calendar month, as far as this instance knows. Immutable:
 * replaced whole, so a request reads both amounts of one moment.
 *
 * @param day   the start of the UTC day {@code daySpend} belongs to
 * @param month the start of the calendar month (UTC) {@code monthSpend} belongs to
 */
record KeySpend(Instant day, BigDecimal daySpend, Instant month, BigDecimal monthSpend) {

    static KeySpend none(Instant now) {
        return new KeySpend(dayOf(now), BigDecimal.ZERO, monthOf(now), BigDecimal.ZERO);
    }

    static Instant dayOf(Instant time) {
        return time.truncatedTo(ChronoUnit.DAYS);
    }

    static Instant monthOf(Instant time) {
        return time.atOffset(ZoneOffset.UTC).with(TemporalAdjusters.firstDayOfMonth()).truncatedTo(ChronoUnit.DAYS)
                .toInstant();
    }

    /** The same spend seen at {@code now}: a new day or month starts from zero. */
    KeySpend at(Instant now) {
        Instant today = dayOf(now);
        Instant thisMonth = monthOf(now);
        return new KeySpend(today, today.equals(day) ? daySpend : BigDecimal.ZERO,
                thisMonth, thisMonth.equals(month) ? monthSpend : BigDecimal.ZERO);
    }

    /** Adds a request's cost to the periods it arrived in (a request that began yesterday is yesterday's). */
    KeySpend plus(BigDecimal usd, Instant arrived, Instant now) {
        KeySpend current = at(now);
        return new KeySpend(current.day, arrived.isBefore(current.day) ? current.daySpend : current.daySpend.add(usd),
                current.month, arrived.isBefore(current.month) ? current.monthSpend : current.monthSpend.add(usd));
    }

    /**
     * Merges what the ledger says. Spend only grows within a period, so the larger figure is the better one: the
     * ledger's when other instances spent, ours when our last requests are not written yet. Figures of another
     * period (a query that began before midnight) are ignored.
     */
    KeySpend atLeast(KeySpend ledger) {
        if (!ledger.day.equals(day) || !ledger.month.equals(month)) {
            return this;
        }
        return new KeySpend(day, daySpend.max(ledger.daySpend), month, monthSpend.max(ledger.monthSpend));
    }
}

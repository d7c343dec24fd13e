package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory figures behind budgets and rates: periods that roll over at UTC midnight, minutes that slide. */
class SpendWindowsTest {
    static final Instant LATE = Instant.parse("2026-03-31T23:59:30Z");
    static final Instant NEXT_DAY = Instant.parse("2026-04-01T00:00:10Z");

    @Test
    void spendStartsAfreshOnANewUtcDayAndMonth() {
        KeySpend march = KeySpend.none(LATE).plus(new BigDecimal("1.25"), LATE, LATE);
        assertThat(march.daySpend()).isEqualByComparingTo("1.25");
        assertThat(march.monthSpend()).isEqualByComparingTo("1.25");
        assertThat(march.month()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));

        KeySpend april = march.at(NEXT_DAY);
        assertThat(april.day()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(april.daySpend()).isEqualByComparingTo("0");
        assertThat(april.monthSpend()).isEqualByComparingTo("0");
    }

    @Test
    void aRequestThatBeganYesterdayIsNotTodaysSpend() {
        KeySpend today = KeySpend.none(LATE).plus(new BigDecimal("2"), LATE, NEXT_DAY);
        assertThat(today.daySpend()).isEqualByComparingTo("0");
        assertThat(today.monthSpend()).isEqualByComparingTo("0");
    }

    @Test
    void theLedgersFigureWinsWhenLargerAndOursWhenNotYetWritten() {
        KeySpend ours = KeySpend.none(LATE).plus(new BigDecimal("3"), LATE, LATE);
        KeySpend ledger = new KeySpend(ours.day(), new BigDecimal("5"), ours.month(), new BigDecimal("2"));
        KeySpend merged = ours.atLeast(ledger);
        assertThat(merged.daySpend()).isEqualByComparingTo("5");
        assertThat(merged.monthSpend()).isEqualByComparingTo("3");
        // figures read just before midnight do not leak into the new day
        assertThat(ours.at(NEXT_DAY).atLeast(ledger).daySpend()).isEqualByComparingTo("0");
    }

    @Test
    void aMinuteSlidesEntryByEntry() {
        SlidingMinute minute = new SlidingMinute();
        assertThat(minute.take(1_000, 2, 1)).isZero();
        assertThat(minute.take(21_000, 2, 1)).isZero();
        assertThat(minute.take(30_000, 2, 1)).isEqualTo(31_000); // the first leaves the window at 61 s
        assertThat(minute.take(61_000, 2, 1)).isZero();
        assertThat(minute.take(61_500, 2, 1)).isEqualTo(19_500); // now the one from 21 s leaves at 81 s
    }

    @Test
    void tokensWaitUntilEnoughOfTheMinuteHasPassed() {
        SlidingMinute tokens = new SlidingMinute();
        tokens.add(0, 600);
        tokens.add(10_000, 600);
        assertThat(tokens.waitMillis(20_000, 1000)).isEqualTo(40_000);
        assertThat(tokens.waitMillis(60_000, 1000)).isZero();
        assertThat(tokens.waitMillis(60_000, 500)).isEqualTo(10_000);
    }
}

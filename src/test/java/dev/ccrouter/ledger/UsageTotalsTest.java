package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Sums that pass the end of a long are held there: a report never turns negative, nor fails. */
class UsageTotalsTest {

    @Test
    void aTotalPastTheLargestLongIsHeldThereInsteadOfTurningNegative() {
        UsageTotals nearTheEnd = new UsageTotals(1, Long.MAX_VALUE - 10, 5, 0, 0, BigDecimal.ZERO, 0, BigDecimal.ZERO);

        UsageTotals sum = nearTheEnd.plus(row(new LedgerEntry.Tokens(100, 7, 0, 0, 0, 0, false)));

        assertThat(sum.inputTokens()).isEqualTo(Long.MAX_VALUE);
        assertThat(sum.outputTokens()).isEqualTo(12);
        assertThat(sum.totalTokens()).isEqualTo(Long.MAX_VALUE);
        assertThat(sum.cacheHitRatio()).isEqualByComparingTo("0");
        assertThat(UsageTotals.sum(Long.MIN_VALUE + 1, -5)).isEqualTo(Long.MIN_VALUE);
        assertThat(UsageTotals.sum(40, -2)).isEqualTo(38);
    }

    private static LedgerEntry row(LedgerEntry.Tokens tokens) {
        return new LedgerEntry(Instant.parse("2026-11-30T10:00:00Z"), "req_1", null, null, "claude-sonnet-4-6", null,
                null, null, false, 200, null, "end_turn", tokens, LedgerEntry.Spend.UNKNOWN, null, 10, 0, 0);
    }
}

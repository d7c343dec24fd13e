package dev.ccrouter.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.billing.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Sums over a set of ledger rows.
 *
 * @param cacheWriteTokens  5-minute and 1-hour cache writes together
 * @param costUsd           the computed cost of the rows that have one
 * @param unpricedRequests  rows with tokens but without a computed cost (no price for the model, or no usage
 *                          reported): their cost is not in {@code costUsd}
 * @param cacheSavingsUsd   what the cache reads would have cost as uncached input, minus what they cost
 */
public record UsageTotals(long requests, long inputTokens, long outputTokens, long cacheReadTokens,
                          long cacheWriteTokens, BigDecimal costUsd, long unpricedRequests,
                          BigDecimal cacheSavingsUsd) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, BigDecimal.ZERO, 0, BigDecimal.ZERO);

    /** Decimal places of the cache-hit ratio. */
    private static final int RATIO_SCALE = 4;

    /** Cache reads as a share of the whole prompt (0 to 1), or null when there was no prompt. */
    public BigDecimal cacheHitRatio() {
        long prompt = sum(sum(inputTokens, cacheReadTokens), cacheWriteTokens);
        return prompt == 0 ? null : BigDecimal.valueOf(cacheReadTokens)
                .divide(BigDecimal.valueOf(prompt), RATIO_SCALE, RoundingMode.HALF_EVEN);
    }

    public long totalTokens() {
        return sum(sum(inputTokens, outputTokens), sum(cacheReadTokens, cacheWriteTokens));
    }

    /**
     * Puts these sums into {@code json} with the field names of {@code ccrouter usage --json} (docs/ledger.md);
     * amounts as exact decimals, to be written in plain notation.
     */
    public ObjectNode writeTo(ObjectNode json) {
        json.put("requests", requests);
        json.put("input_tokens", inputTokens);
        json.put("output_tokens", outputTokens);
        json.put("cache_creation_input_tokens", cacheWriteTokens);
        json.put("cache_read_input_tokens", cacheReadTokens);
        json.put("total_tokens", totalTokens());
        json.put("cost_usd", Money.shown(costUsd));
        json.put("unpriced_requests", unpricedRequests);
        json.put("cache_hit_ratio", cacheHitRatio());
        json.put("cache_savings_usd", Money.shown(cacheSavingsUsd));
        return json;
    }

    public UsageTotals plus(LedgerEntry entry) {
        LedgerEntry.Tokens tokens = entry.tokens();
        LedgerEntry.Spend spend = entry.spend();
        return new UsageTotals(requests + 1, sum(inputTokens, tokens.input()), sum(outputTokens, tokens.output()),
                sum(cacheReadTokens, tokens.cacheRead()), sum(cacheWriteTokens, tokens.cacheWrite()),
                spend.computed() == null ? costUsd : costUsd.add(spend.computed()),
                unpricedRequests + (spend.computed() == null && tokens.total() > 0 ? 1 : 0),
                spend.cacheSavings() == null ? cacheSavingsUsd : cacheSavingsUsd.add(spend.cacheSavings()));
    }

    /**
     * a + b, held at the ends of a long instead of wrapping. Saturating, not {@link Math#addExact}: a report must
     * neither turn negative nor fail because of one row, and an exception would end {@code ccrouter usage} and the
     * dashboard as surely as the wrap made them lie. Counts are read bounded ({@code LedgerStore}), so a total held
     * here would take 9.2 × 10^9 rows each of a billion tokens; it is the last guard, not the rule.
     */
    static long sum(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) { // both had the other sign than the result: it wrapped
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}

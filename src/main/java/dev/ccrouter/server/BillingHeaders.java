package dev.ccrouter.server;

import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.Money;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerResponse;
import java.math.BigDecimal;

/**
 * Usage and cost on a non-streaming response, under the names the seed gave them. Token headers are always there;
 * a cost header only when that cost is known (the note header says what is not), so a missing figure is never
 * mistaken for a zero. Amounts in USD, plain decimals.
 */
final class BillingHeaders {
    static final HeaderName TOKENS_INPUT = HeaderNames.create("X-CCRouter-Tokens-Input");
    static final HeaderName TOKENS_OUTPUT = HeaderNames.create("X-CCRouter-Tokens-Output");
    static final HeaderName TOKENS_CACHE_READ = HeaderNames.create("X-CCRouter-Tokens-CacheRead");
    static final HeaderName TOKENS_CACHE_CREATION = HeaderNames.create("X-CCRouter-Tokens-CacheCreation");
    static final HeaderName COST_INPUT = HeaderNames.create("X-CCRouter-Cost-Input");
    static final HeaderName COST_OUTPUT = HeaderNames.create("X-CCRouter-Cost-Output");
    static final HeaderName COST_READ = HeaderNames.create("X-CCRouter-Cost-Read");
    static final HeaderName COST_WRITE = HeaderNames.create("X-CCRouter-Cost-Write");
    static final HeaderName COST_TOTAL = HeaderNames.create("X-CCRouter-Cost-Total");
    static final HeaderName COST_UPSTREAM = HeaderNames.create("X-CCRouter-Cost-Upstream");
    static final HeaderName CACHE_HIT_RATIO = HeaderNames.create("X-CCRouter-Cache-Hit-Ratio");
    static final HeaderName NOTE = HeaderNames.create("X-CCRouter-Billing-Note");

    private BillingHeaders() {
    }

    static void add(ServerResponse res, Bill bill) {
        res.header(TOKENS_INPUT, Long.toString(bill.usage().inputTokens()));
        res.header(TOKENS_OUTPUT, Long.toString(bill.usage().outputTokens()));
        res.header(TOKENS_CACHE_READ, Long.toString(bill.usage().cacheReadInputTokens()));
        res.header(TOKENS_CACHE_CREATION, Long.toString(bill.usage().cacheCreationInputTokens()));
        amount(res, COST_INPUT, bill.cost().input());
        amount(res, COST_OUTPUT, bill.cost().output());
        amount(res, COST_READ, bill.cost().cacheRead());
        amount(res, COST_WRITE, bill.cost().cacheWrite());
        amount(res, COST_TOTAL, bill.cost().total());
        amount(res, COST_UPSTREAM, bill.upstreamCost());
        if (bill.cacheHitRatio() != null) {
            res.header(CACHE_HIT_RATIO, bill.cacheHitRatio().toPlainString());
        }
        if (!bill.notes().isEmpty()) {
            res.header(NOTE, String.join("; ", bill.notes()));
        }
    }

    private static void amount(ServerResponse res, HeaderName name, BigDecimal value) {
        if (value != null) {
            res.header(name, Money.format(value));
        }
    }
}

package dev.ccrouter.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.ModelPricing;
import dev.ccrouter.billing.UsageAccounting;
import dev.ccrouter.translate.UsageMapper;
import java.util.function.Supplier;

/**
 * Bills a translated answer into its exchange, by the one accounting: the usage it ended with (the gateway's estimate
 * when that usage is no report), or, for an answer that failed after its upstream sent usage, that usage. The
 * provider charged for what it counted however the answer ended, so a failure that carried usage is a row with those
 * tokens and their cost, counted by the key's budgets; one without usage keeps no bill, as before.
 */
final class AnswerBilling implements UsageMapper {
    static final String FAILED_NOTE = "the answer failed: billed by the usage the upstream reported with the failure";

    private final Exchange exchange;
    private final CacheTtls ttls;
    /** Looked up when the usage comes, with the catalog's prices of that moment. */
    private final Supplier<ModelPricing> pricing;
    private final boolean webSearch;

    /** @param webSearch OpenRouter's web plugin ran: it searched, and its fee is in the cost */
    AnswerBilling(Exchange exchange, CacheTtls ttls, Supplier<ModelPricing> pricing, boolean webSearch) {
        this.exchange = exchange;
        this.ttls = ttls;
        this.pricing = pricing;
        this.webSearch = webSearch;
    }

    @Override
    public Usage map(JsonNode openAiUsage, Usage estimate) {
        exchange.bill = UsageAccounting.account(openAiUsage, estimate, ttls, pricing.get(), webSearch);
        return exchange.bill.usage();
    }

    @Override
    public void failed(JsonNode openAiUsage) {
        Bill bill = UsageAccounting.account(openAiUsage, ttls, pricing.get(), webSearch);
        if (bill != null) { // usage that is no report leaves the failure as one without usage
            exchange.bill = bill.withNote(FAILED_NOTE);
        }
    }
}

package dev.ccrouter.server;

import dev.ccrouter.billing.ModelPricing;
import dev.ccrouter.billing.Prices;
import dev.ccrouter.billing.PricingCatalog;
import dev.ccrouter.config.PriceSettings;
import dev.ccrouter.route.RouteDecision.Candidate;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a target's prices come from: the configuration's {@code prices:} for that {@code provider,model} first, then
 * OpenRouter's catalog for providers it prices; else none, and the bill says so rather than guessing.
 */
final class PriceBook {
    private static final BigDecimal PER_MILLION = BigDecimal.valueOf(1_000_000);

    private final PricingCatalog catalog;
    private final Map<String, ModelPricing> configured;

    PriceBook(PricingCatalog catalog, Map<String, PriceSettings> configured) {
        this.catalog = catalog;
        Map<String, ModelPricing> byTarget = new LinkedHashMap<>();
        configured.forEach((target, prices) -> byTarget.put(target, pricing(target, prices)));
        this.configured = Map.copyOf(byTarget);
    }

    /** The prices of the target that answered, or null when none are known. */
    ModelPricing find(Candidate candidate) {
        ModelPricing own = configured.get(candidate.label());
        if (own != null) {
            return own;
        }
        return candidate.provider().pricedByCatalog() ? catalog.find(candidate.target().upstreamModel()) : null;
    }

    private static ModelPricing pricing(String target, PriceSettings prices) {
        Prices perToken = new Prices(perToken(prices.input()), perToken(prices.output()), perToken(prices.cacheRead()),
                perToken(prices.cacheWrite5m()), perToken(prices.cacheWrite1h()), null, prices.request(), null);
        return new ModelPricing(target, perToken, List.of(), null, null, Set.of(), "configured (prices." + target + ")",
                List.of());
    }

    private static BigDecimal perToken(BigDecimal perMillion) {
        return perMillion == null ? null : perMillion.divide(PER_MILLION);
    }
}

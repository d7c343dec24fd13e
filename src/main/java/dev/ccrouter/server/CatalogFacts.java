package dev.ccrouter.server;

import dev.ccrouter.billing.ModelPricing;
import dev.ccrouter.billing.PricingCatalog;
import dev.ccrouter.route.ModelCatalog;

/**
 * The routing side's view of OpenRouter's catalog: the price catalog already holds each listed model's context
 * window, output limit and input modalities in its in-memory snapshot, refreshed in the background; reading them
 * never waits for the network.
 */
final class CatalogFacts implements ModelCatalog {
    private final PricingCatalog pricing;

    CatalogFacts(PricingCatalog pricing) {
        this.pricing = pricing;
    }

    @Override
    public Facts facts(String model) {
        ModelPricing listed = pricing.find(model);
        if (listed == null) {
            return null;
        }
        return new Facts(intOrNull(listed.contextLength()), intOrNull(listed.maxCompletionTokens()),
                listed.inputModalities().isEmpty() ? null : listed.inputModalities().contains("image"));
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : (int) Math.min(value, Integer.MAX_VALUE);
    }
}

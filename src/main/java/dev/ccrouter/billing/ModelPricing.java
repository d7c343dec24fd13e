package dev.ccrouter.billing;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Everything the catalog knows about one model's prices.
 *
 * @param id                  the model id ({@code anthropic/claude-opus-4.6})
 * @param base                the rates that apply unless a tier says otherwise
 * @param tiers               long-context rates ({@code pricing.overrides} with {@code min_prompt_tokens}), kept
 *                            from the lowest threshold up, whatever the catalog's order: the highest tier a prompt
 *                            reaches wins
 * @param contextLength       the model's context window, when listed
 * @param maxCompletionTokens the top provider's output limit, when listed
 * @param inputModalities     what the model reads ({@code text}, {@code image}, {@code file}, …); empty when not listed
 * @param pricesAsOf          where and when these prices were read, e.g. {@code bundled snapshot 2026-11-25}
 * @param caveats             what the catalog lists that is not applied (time-of-day rates, discounts), said in
 *                            every bill for this model
 */
public record ModelPricing(String id,
                           Prices base,
                           List<Tier> tiers,
                           Long contextLength,
                           Long maxCompletionTokens,
                           Set<String> inputModalities,
                           String pricesAsOf,
                           List<String> caveats) {

    /** From {@code minPromptTokens} prompt tokens on (inclusive, as OpenRouter documents), these rates apply. */
    public record Tier(long minPromptTokens, Prices prices) {
    }

    public ModelPricing {
        tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::minPromptTokens)).toList();
        inputModalities = Set.copyOf(inputModalities);
        caveats = List.copyOf(caveats);
    }

    /** The rates for a request of {@code promptTokens} prompt tokens (cached and cache-write tokens included). */
    public Prices at(long promptTokens) {
        Prices prices = base;
        for (Tier tier : tiers) {
            if (promptTokens >= tier.minPromptTokens()) {
                prices = prices.overriddenBy(tier.prices());
            }
        }
        return prices;
    }
}

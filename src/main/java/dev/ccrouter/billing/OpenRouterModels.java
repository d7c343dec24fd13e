package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads OpenRouter's {@code GET /models} shape: {@code {data: [{id, canonical_slug, context_length,
 * top_provider: {max_completion_tokens}, architecture: {input_modalities}, pricing: {prompt, completion, input_cache_read, input_cache_write,
 * input_cache_write_1h, internal_reasoning, request, web_search, discount, overrides}}]}}. One reader serves the live answer,
 * the copy persisted from it and the bundled snapshot, so the three can never disagree about what a field means.
 *
 * <p>Models without a {@code pricing} object (what plain OpenAI-compatible servers list) are skipped. A rate that
 * is missing, not a decimal, or negative (OpenRouter lists {@code "-1"} for routers whose price varies) is unknown.
 */
final class OpenRouterModels {
    /** Price keys of a pricing object or an override; anything else in an override is a condition. */
    private static final Set<String> PRICE_KEYS = Set.of("prompt", "completion", "request", "image", "image_token",
            "image_output", "web_search", "internal_reasoning", "input_cache_read", "input_cache_write",
            "input_cache_write_1h", "audio", "input_audio_cache", "audio_output", "discount");
    private static final String MIN_PROMPT_TOKENS = "min_prompt_tokens";

    private OpenRouterModels() {
    }

    /** The priced models of a catalog, by id and by canonical slug. Never throws on odd input; skips it. */
    static Map<String, ModelPricing> read(JsonNode root, String pricesAsOf) {
        Map<String, ModelPricing> models = new HashMap<>();
        for (JsonNode entry : root.path("data")) {
            String id = entry.path("id").asText("");
            JsonNode pricing = entry.get("pricing");
            if (id.isEmpty() || pricing == null || !pricing.isObject()) {
                continue;
            }
            ModelPricing model = model(id, entry, pricing, pricesAsOf);
            models.put(id, model);
            String slug = entry.path("canonical_slug").asText("");
            if (!slug.isEmpty()) {
                models.putIfAbsent(slug, model);
            }
        }
        return Map.copyOf(models);
    }

    /** The part of a catalog worth keeping on disk: priced models, with only the fields {@link #read} uses. */
    static ArrayNode priced(JsonNode root) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode entry : root.path("data")) {
            if (!entry.path("id").asText("").isEmpty() && entry.path("pricing").isObject()) {
                ObjectNode model = kept.addObject();
                model.set("id", entry.get("id"));
                copy(entry, model, "canonical_slug");
                copy(entry, model, "context_length");
                JsonNode limit = entry.path("top_provider").get("max_completion_tokens");
                if (limit != null && !limit.isNull()) {
                    model.putObject("top_provider").set("max_completion_tokens", limit);
                }
                JsonNode modalities = entry.path("architecture").get("input_modalities");
                if (modalities != null && modalities.isArray()) {
                    model.putObject("architecture").set("input_modalities", modalities);
                }
                model.set("pricing", entry.get("pricing"));
            }
        }
        return kept;
    }

    private static ModelPricing model(String id, JsonNode entry, JsonNode pricing, String pricesAsOf) {
        List<ModelPricing.Tier> tiers = new ArrayList<>();
        List<String> caveats = new ArrayList<>();
        BigDecimal discount = rate(pricing.get("discount"));
        if (discount != null && discount.signum() != 0) {
            caveats.add("the catalog lists a discount of " + printable(discount.toString()) + " for this model; not applied");
        }
        for (JsonNode override : pricing.path("overrides")) {
            Set<String> conditions = conditions(override);
            JsonNode min = override.get(MIN_PROMPT_TOKENS);
            if (conditions.equals(Set.of(MIN_PROMPT_TOKENS)) && min.canConvertToLong() && min.asLong() >= 0) {
                tiers.add(new ModelPricing.Tier(min.asLong(), prices(override)));
            } else {
                caveats.add("the catalog lists prices under conditions " + conditions + " for this model; not applied");
            }
        }
        return new ModelPricing(id, prices(pricing), tiers, positive(entry.get("context_length")),
                positive(entry.path("top_provider").get("max_completion_tokens")), inputModalities(entry),
                pricesAsOf, caveats);
    }

    private static Set<String> inputModalities(JsonNode entry) {
        Set<String> modalities = new TreeSet<>();
        for (JsonNode modality : entry.path("architecture").path("input_modalities")) {
            if (modality.isTextual()) {
                modalities.add(modality.asText());
            }
        }
        return modalities;
    }

    private static Prices prices(JsonNode pricing) {
        return new Prices(rate(pricing.get("prompt")), rate(pricing.get("completion")),
                rate(pricing.get("input_cache_read")), rate(pricing.get("input_cache_write")),
                rate(pricing.get("input_cache_write_1h")), rate(pricing.get("internal_reasoning")),
                rate(pricing.get("request")), rate(pricing.get("web_search")));
    }

    private static Set<String> conditions(JsonNode override) {
        Set<String> conditions = new TreeSet<>();
        for (Iterator<String> names = override.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PRICE_KEYS.contains(name)) {
                conditions.add(printable(name));
            }
        }
        return conditions;
    }

    /** A decimal rate from a string (OpenRouter's form) or a number; null when absent, malformed or negative. */
    static BigDecimal rate(JsonNode value) {
        BigDecimal rate = Money.parse(value);
        return rate != null && rate.signum() >= 0 ? rate : null;
    }

    /** Catalog text bound for a note, which travels in a header and a log line: short, plain ASCII. */
    private static String printable(String text) {
        String shortened = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private static Long positive(JsonNode value) {
        return value != null && value.canConvertToLong() && value.asLong() > 0 ? value.asLong() : null;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(field, value);
        }
    }
}

package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenRouter's record of one generation ({@code GET /generation?id=gen-…} answers {@code {"data": {…}}}) read as the
 * {@code usage} object its stream would have ended with, so that a stream cut off before its usage chunk is billed by
 * the same computation as every other ({@link UsageAccounting}). The record counts tokens twice: by OpenRouter's
 * normalising tokenizer ({@code tokens_*}) and by the model's own ({@code native_tokens_*}); a usage object reports
 * the native counts, so those are read, the normalised ones only where a native one is missing. Its
 * {@code total_cost} is what was charged ({@code usage.cost}); with BYOK, {@code upstream_inference_cost} is the
 * provider's charge, as in a usage object. It has no cache-write count: with breakpoints the accounting infers the
 * writes from the charged cost, as it does for any usage that does not report them.
 */
public final class GenerationStats {
    private GenerationStats() {
    }

    /** The usage object, or null when the answer holds no generation's prompt count (another shape, or none yet). */
    public static ObjectNode usage(JsonNode answer) {
        JsonNode data = answer == null ? null : answer.get("data");
        if (data == null || !data.isObject()) {
            return null;
        }
        JsonNode prompt = tokens(data, "prompt");
        if (prompt == null) {
            return null;
        }
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        usage.set("prompt_tokens", prompt);
        JsonNode completion = tokens(data, "completion");
        usage.set("completion_tokens", completion != null ? completion : IntNode.valueOf(0));
        JsonNode cached = data.get("native_tokens_cached");
        if (cached != null && cached.isNumber()) {
            usage.putObject("prompt_tokens_details").set("cached_tokens", cached);
        }
        JsonNode reasoning = data.get("native_tokens_reasoning");
        if (reasoning != null && reasoning.isNumber()) {
            usage.putObject("completion_tokens_details").set("reasoning_tokens", reasoning);
        }
        JsonNode cost = data.get("total_cost");
        if (cost != null && cost.isNumber()) {
            usage.set("cost", cost);
        }
        if (data.path("is_byok").asBoolean(false)) {
            usage.put("is_byok", true);
            JsonNode upstreamCost = data.get("upstream_inference_cost");
            if (upstreamCost != null && upstreamCost.isNumber()) {
                usage.putObject("cost_details").set("upstream_inference_cost", upstreamCost);
            }
        }
        return usage;
    }

    /** {@code native_tokens_<kind>}, else {@code tokens_<kind>}; null when neither is a number. */
    private static JsonNode tokens(JsonNode data, String kind) {
        for (String field : new String[] {"native_tokens_" + kind, "tokens_" + kind}) {
            JsonNode count = data.get(field);
            if (count != null && count.isNumber()) {
                return count;
            }
        }
        return null;
    }
}

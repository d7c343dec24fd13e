package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * An OpenAI {@code usage} object read with OpenRouter's documented semantics: {@code prompt_tokens} counts the
 * whole prompt, cache reads ({@code cached_tokens}) and cache writes ({@code cache_write_tokens}) included;
 * {@code completion_tokens} includes {@code reasoning_tokens} (where {@code total_tokens} shows it does not, as at xAI,
 * the two are added); {@code cost} is what was charged in credits (1 credit
 * = 1 USD), except with {@code is_byok}, where it is OpenRouter's fee and the provider's charge is
 * {@code cost_details.upstream_inference_cost}. Counts that are absent, malformed or negative read as 0.
 *
 * <p>Cache hits are read wherever a provider puts them: {@code prompt_tokens_details.cached_tokens} (OpenAI,
 * OpenRouter, Groq, Qwen, Z.ai, vLLM), {@code prompt_cache_hit_tokens} (DeepSeek) or a top-level
 * {@code cached_tokens} (Moonshot). Every one of them counts tokens that {@code prompt_tokens} includes; so do cache
 * writes, {@code prompt_tokens_details.cache_write_tokens} (OpenRouter) or {@code cache_creation_input_tokens} beside
 * {@code cached_tokens} (DashScope, whose explicit cache is the Anthropic-style one). Where the writes come split by
 * TTL, as Anthropic's {@code cache_creation} (DashScope's {@code prompt_tokens_details.cache_creation}), the 1-hour
 * part is read too.
 *
 * @param cacheWriteTokens null when the upstream did not report cache writes (0 is a report)
 * @param oneHourWriteTokens the 1-hour part of the reported writes, or null when the upstream did not split them
 * @param cost             null when the upstream reported no cost
 * @param webSearchRequests the web searches the upstream says it ran — OpenRouter's
 *                          {@code server_tool_use_details.web_search_requests} (its API reference) or
 *                          {@code server_tool_use.web_search_requests} (its web search guide) — or null when it did not
 *                          say
 */
record UpstreamUsage(long promptTokens,
                     long completionTokens,
                     long cachedTokens,
                     Long cacheWriteTokens,
                     Long oneHourWriteTokens,
                     long reasoningTokens,
                     BigDecimal cost,
                     boolean byok,
                     BigDecimal upstreamInferenceCost,
                     Long webSearchRequests) {

    static UpstreamUsage of(JsonNode usage) {
        JsonNode prompt = usage.path("prompt_tokens_details");
        JsonNode writes = cacheWriteTokens(prompt);
        long promptTokens = count(usage.get("prompt_tokens"));
        long completion = count(usage.get("completion_tokens"));
        long reasoning = count(usage.path("completion_tokens_details").get("reasoning_tokens"));
        // xAI counts reasoning beside completion_tokens, not inside it (its total_tokens is prompt + completion +
        // reasoning); the output is then both together, as everywhere else.
        JsonNode total = usage.get("total_tokens");
        if (reasoning > 0 && total != null && total.canConvertToLong()
                && total.asLong() == promptTokens + completion + reasoning) {
            completion += reasoning;
        }
        return new UpstreamUsage(
                promptTokens,
                completion,
                cachedTokens(usage, prompt),
                writes == null || writes.isNull() ? null : count(writes),
                oneHourWriteTokens(prompt.path("cache_creation")),
                reasoning,
                Money.parse(usage.get("cost")),
                usage.path("is_byok").asBoolean(false),
                Money.parse(usage.path("cost_details").get("upstream_inference_cost")),
                webSearchRequests(usage));
    }

    private static Long webSearchRequests(JsonNode usage) {
        for (JsonNode serverTools : new JsonNode[] {usage.get("server_tool_use_details"), usage.get("server_tool_use")}) {
            JsonNode searches = serverTools == null ? null : serverTools.get("web_search_requests");
            if (searches != null && searches.isNumber()) {
                return count(searches);
            }
        }
        return null;
    }

    /** OpenRouter's {@code cache_write_tokens}, or DashScope's {@code cache_creation_input_tokens}; null if neither. */
    private static JsonNode cacheWriteTokens(JsonNode promptDetails) {
        JsonNode openRouter = promptDetails.get("cache_write_tokens");
        return openRouter != null && !openRouter.isNull() ? openRouter : promptDetails.get("cache_creation_input_tokens");
    }

    /** The 1-hour writes of a TTL split ({@code ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}). */
    private static Long oneHourWriteTokens(JsonNode split) {
        JsonNode oneHour = split.get("ephemeral_1h_input_tokens");
        if (oneHour != null && oneHour.isNumber()) {
            return count(oneHour);
        }
        JsonNode fiveMinutes = split.get("ephemeral_5m_input_tokens");
        return fiveMinutes != null && fiveMinutes.isNumber() ? 0L : null; // all of them 5-minute writes
    }

    private static long cachedTokens(JsonNode usage, JsonNode promptDetails) {
        for (JsonNode hits : new JsonNode[] {promptDetails.get("cached_tokens"), usage.get("prompt_cache_hit_tokens"),
                usage.get("cached_tokens")}) {
            if (hits != null && hits.isNumber()) {
                return count(hits);
            }
        }
        return 0;
    }

    private static long count(JsonNode value) {
        return value == null ? 0 : Math.max(0, value.asLong(0));
    }
}

package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.Usage;
import java.math.BigDecimal;

/**
 * An OpenAI {@code usage} object read with OpenRouter's documented semantics: {@code prompt_tokens} counts the
 * whole prompt, cache reads ({@code cached_tokens}) and cache writes ({@code cache_write_tokens}) included;
 * {@code completion_tokens} includes {@code reasoning_tokens} (where {@code total_tokens} shows it does not, as at xAI,
 * the two are added); {@code cost} is what was charged in credits (1 credit
 * = 1 USD), except with {@code is_byok}, where it is OpenRouter's fee and the provider's charge is
 * {@code cost_details.upstream_inference_cost}. A count that is absent (or null) reads as 0; one that is there but is
 * no count — not a whole number from 0 to {@link Usage#MAX_TOKENS}: negative, fractional, text, {@code 1e30}, an
 * integer past 64 bits — makes the whole object no report of usage ({@link NotACount}): its other figures cannot be
 * trusted either, and one such value summed into the ledger turns every total into nonsense.
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

    /** A usage object one of whose counts is no count: the object reports no usage. */
    static final class NotACount extends Exception {
        NotACount(String field) {
            super(field + " is not a count (a whole number from 0 to " + Usage.MAX_TOKENS + ")", null, false, false);
        }
    }

    /** @throws NotACount when a count the object holds is not one */
    static UpstreamUsage of(JsonNode usage) throws NotACount {
        JsonNode prompt = usage.path("prompt_tokens_details");
        long promptTokens = count(usage.get("prompt_tokens"), "prompt_tokens");
        long completion = count(usage.get("completion_tokens"), "completion_tokens");
        long reasoning = count(usage.path("completion_tokens_details").get("reasoning_tokens"),
                "completion_tokens_details.reasoning_tokens");
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
                cacheWriteTokens(prompt),
                oneHourWriteTokens(prompt.path("cache_creation")),
                reasoning,
                Money.parse(usage.get("cost")),
                usage.path("is_byok").asBoolean(false),
                Money.parse(usage.path("cost_details").get("upstream_inference_cost")),
                webSearchRequests(usage));
    }

    private static Long webSearchRequests(JsonNode usage) throws NotACount {
        for (String field : new String[] {"server_tool_use_details", "server_tool_use"}) {
            JsonNode searches = usage.path(field).get("web_search_requests");
            if (given(searches)) {
                return count(searches, field + ".web_search_requests");
            }
        }
        return null;
    }

    /** OpenRouter's {@code cache_write_tokens}, or DashScope's {@code cache_creation_input_tokens}; null if neither. */
    private static Long cacheWriteTokens(JsonNode promptDetails) throws NotACount {
        for (String field : new String[] {"cache_write_tokens", "cache_creation_input_tokens"}) {
            JsonNode writes = promptDetails.get(field);
            if (given(writes)) {
                return count(writes, "prompt_tokens_details." + field);
            }
        }
        return null;
    }

    /** The 1-hour writes of a TTL split ({@code ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}). */
    private static Long oneHourWriteTokens(JsonNode split) throws NotACount {
        JsonNode oneHour = split.get("ephemeral_1h_input_tokens");
        if (given(oneHour)) {
            return count(oneHour, "prompt_tokens_details.cache_creation.ephemeral_1h_input_tokens");
        }
        JsonNode fiveMinutes = split.get("ephemeral_5m_input_tokens");
        if (given(fiveMinutes)) {
            count(fiveMinutes, "prompt_tokens_details.cache_creation.ephemeral_5m_input_tokens");
            return 0L; // all of them 5-minute writes
        }
        return null;
    }

    private static long cachedTokens(JsonNode usage, JsonNode promptDetails) throws NotACount {
        JsonNode[] spellings = {promptDetails.get("cached_tokens"), usage.get("prompt_cache_hit_tokens"),
                usage.get("cached_tokens")};
        String[] names = {"prompt_tokens_details.cached_tokens", "prompt_cache_hit_tokens", "cached_tokens"};
        for (int i = 0; i < spellings.length; i++) {
            if (given(spellings[i])) {
                return count(spellings[i], names[i]);
            }
        }
        return 0;
    }

    private static boolean given(JsonNode value) {
        return value != null && !value.isNull();
    }

    /**
     * A token count: absent or null is 0 (not reported), a whole number from 0 to {@link Usage#MAX_TOKENS} is itself
     * ({@code 1200.0} too: some servers write counts as floats; and {@code "1200"}), anything else is
     * {@link NotACount}.
     */
    static long count(JsonNode value, String field) throws NotACount {
        if (!given(value)) {
            return 0;
        }
        if (value.isIntegralNumber()) {
            if (value.canConvertToLong() && value.longValue() >= 0 && value.longValue() <= Usage.MAX_TOKENS) {
                return value.longValue();
            }
        } else if (value.isNumber()) {
            double number = value.doubleValue();
            if (number >= 0 && number <= Usage.MAX_TOKENS && number == Math.rint(number)) {
                return (long) number;
            }
        } else if (value.isTextual()) { // a whole number quoted ("1200"), read as such before counts were checked
            try {
                long number = Long.parseLong(value.textValue().strip());
                if (number >= 0 && number <= Usage.MAX_TOKENS) {
                    return number;
                }
            } catch (NumberFormatException notANumber) {
                // "ten", "all": no count
            }
        }
        throw new NotACount(field);
    }
}

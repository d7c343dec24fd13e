package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.CacheTtls;

/**
 * The bill of an answer from a provider that speaks Anthropic's protocol (forwarded, not translated). Anthropic
 * usage counts the prompt in three disjoint parts ({@code input_tokens} after the last breakpoint,
 * {@code cache_read_input_tokens}, {@code cache_creation_input_tokens}); they are restated in the OpenAI shape
 * {@link UsageAccounting} reads (reads and writes included in {@code prompt_tokens}, writes reported), so both
 * protocols are billed by one computation. The write's TTL comes from {@code cache_creation}'s split when present;
 * {@code server_tool_use} goes along, so the bill counts the web searches the answer's usage counts.
 */
public final class AnthropicUsage {
    private AnthropicUsage() {
    }

    /**
     * @param usage   the Message's {@code usage}, or a stream's {@code message_start} usage updated by its
     *                {@code message_delta}s
     * @param pricing the model's prices, or null
     * @return the bill, or null when the usage is no report: a count in it is not a count (as {@link UpstreamUsage}
     *         reads one), which is then billed as a usage never sent
     */
    public static Bill account(JsonNode usage, ModelPricing pricing) {
        long input;
        long reads;
        long writes;
        long output;
        CacheTtls ttls;
        try {
            input = UpstreamUsage.count(usage.get("input_tokens"), "input_tokens");
            reads = UpstreamUsage.count(usage.get("cache_read_input_tokens"), "cache_read_input_tokens");
            writes = UpstreamUsage.count(usage.get("cache_creation_input_tokens"), "cache_creation_input_tokens");
            output = UpstreamUsage.count(usage.get("output_tokens"), "output_tokens");
            ttls = ttls(usage, writes);
        } catch (UpstreamUsage.NotACount e) {
            return null;
        }
        ObjectNode openAi = JsonNodeFactory.instance.objectNode()
                // a whole prompt beyond the bound is no count either: UsageAccounting finds that one
                .put("prompt_tokens", input + reads + writes)
                .put("completion_tokens", output);
        ObjectNode details = openAi.putObject("prompt_tokens_details")
                .put("cached_tokens", reads).put("cache_write_tokens", writes);
        if (usage.get("cache_creation") instanceof ObjectNode split) {
            details.set("cache_creation", split); // the exact 5-minute / 1-hour split, which the cost cannot tell
        }
        if (usage.get("server_tool_use") instanceof ObjectNode serverTools) {
            openAi.set("server_tool_use", serverTools); // the web searches the provider ran
        }
        return UsageAccounting.account(openAi, ttls, pricing);
    }

    private static CacheTtls ttls(JsonNode usage, long writes) throws UpstreamUsage.NotACount {
        if (writes == 0) {
            return CacheTtls.NONE;
        }
        long oneHour = UpstreamUsage.count(usage.path("cache_creation").get("ephemeral_1h_input_tokens"),
                "cache_creation.ephemeral_1h_input_tokens");
        long fiveMinutes = UpstreamUsage.count(usage.path("cache_creation").get("ephemeral_5m_input_tokens"),
                "cache_creation.ephemeral_5m_input_tokens");
        if (oneHour > 0) {
            return fiveMinutes > 0 ? CacheTtls.MIXED : CacheTtls.ONE_HOUR;
        }
        return CacheTtls.FIVE_MINUTES;
    }
}

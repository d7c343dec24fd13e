package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.Usage;

/** Turns the upstream's final OpenAI {@code usage} object into Anthropic usage. One function serves every place usage shows. */
@FunctionalInterface
public interface UsageMapper {
    Usage map(JsonNode openAiUsage);

    /**
     * Token counts as OpenRouter documents them: {@code prompt_tokens} includes cache reads and cache writes,
     * so Anthropic's {@code input_tokens} (what came after the last breakpoint) is what remains.
     */
    static UsageMapper tokens(boolean cacheTtl1h) {
        return usage -> {
            JsonNode prompt = usage.path("prompt_tokens_details");
            long promptTokens = usage.path("prompt_tokens").asLong(0);
            long cached = prompt.path("cached_tokens").asLong(0);
            long writes = prompt.path("cache_write_tokens").asLong(0);
            long input = Math.max(0, promptTokens - cached - writes);
            long output = usage.path("completion_tokens").asLong(0);
            return new Usage(input, output, writes, cached, cacheTtl1h ? 0 : writes, cacheTtl1h ? writes : 0, 0);
        };
    }
}

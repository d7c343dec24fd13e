package dev.ccrouter.translate;

import java.util.Set;

/**
 * What one upstream model accepts. Provider differences are data: {@code route} picks a record, the translators obey it.
 *
 * @param cacheControl          keep Anthropic {@code cache_control} markers on content parts and tools
 * @param cacheTtl              keep their {@code ttl} (only some providers honour 1-hour caching)
 * @param autoCacheBreakpoints  when the client sent no breakpoint at all, place them where Claude Code would (end of
 *                              the system prompt, last message): Claude models cache nothing without one
 * @param maxOutputTokens       the model's output limit; {@code max_tokens} above it is clamped (null: unknown, no clamp)
 * @param toolNameLimit         longest function name the upstream accepts
 * @param schemaKeywordsToStrip JSON-Schema keywords removed from tool parameters at every depth
 */
public record ModelCapabilities(boolean cacheControl,
                                boolean cacheTtl,
                                boolean autoCacheBreakpoints,
                                Integer maxOutputTokens,
                                int toolNameLimit,
                                Set<String> schemaKeywordsToStrip) {

    /** OpenAI function names are limited to 64 characters; Anthropic allows 128. */
    public static final int OPENAI_TOOL_NAME_LIMIT = 64;

    /** A model with prompt caching by explicit breakpoints and 1-hour TTLs, which caches only what it is told to. */
    public static final ModelCapabilities CACHING =
            new ModelCapabilities(true, true, false, null, OPENAI_TOOL_NAME_LIMIT, Set.of());

    /** A Claude model: {@link #CACHING}, and breakpoints are placed for clients that send none. */
    public static final ModelCapabilities CLAUDE =
            new ModelCapabilities(true, true, true, null, OPENAI_TOOL_NAME_LIMIT, Set.of());

    /** Any other OpenAI-compatible model: no cache markers, plain JSON Schema. */
    public static final ModelCapabilities PLAIN =
            new ModelCapabilities(false, false, false, null, OPENAI_TOOL_NAME_LIMIT, Set.of());

    public ModelCapabilities withMaxOutputTokens(Integer limit) {
        return new ModelCapabilities(cacheControl, cacheTtl, autoCacheBreakpoints, limit, toolNameLimit,
                schemaKeywordsToStrip);
    }
}

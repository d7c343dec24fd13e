package dev.ccrouter.translate;

import java.util.List;
import java.util.Set;

/**
 * What one upstream model accepts. Provider differences are data: {@code route} builds this record from a preset, the
 * price catalog's metadata and the configuration; the translators obey it.
 *
 * @param cacheControl          keep Anthropic {@code cache_control} markers on content parts and tools
 * @param cacheTtl              keep their {@code ttl} (only some providers honour 1-hour caching)
 * @param autoCacheBreakpoints  when the client sent no breakpoint at all, place them where Claude Code would (end of
 *                              the system prompt, last message): Claude models cache nothing without one
 * @param maxOutputTokens       the model's output limit; {@code max_tokens} above it is clamped (null: unknown, no clamp)
 * @param contextWindow         the model's context in tokens; a request estimated above it is refused before any
 *                              upstream call, in Claude Code's {@code prompt is too long} wording (null: unknown)
 * @param toolNameLimit         longest function name the upstream accepts
 * @param schemaKeywordsToStrip JSON-Schema keywords removed from tool parameters at every depth
 * @param stopSequenceLimit     how many stop sequences the upstream accepts (the first ones are sent)
 * @param imageInput            the model reads images; when it does not, each image becomes a short text note
 *                              instead of a part the upstream would answer with a 400
 * @param pdfInput              the provider takes PDFs as OpenAI {@code file} parts (OpenRouter for every model,
 *                              OpenAI); when it does not, each PDF becomes a short text note instead of a part the
 *                              upstream would answer with a 400, on every later turn of the conversation too
 * @param toolCallIds           the tool-call id alphabet the upstream accepts in conversation history
 * @param parallelToolCalls     the upstream accepts {@code parallel_tool_calls}; when it does not, the field is left
 *                              out (the client's {@code disable_parallel_tool_use} cannot be expressed)
 * @param forcedToolChoice      the upstream honours a forced tool choice ({@code required} or a named function);
 *                              when it does not (Z.ai; DeepSeek in thinking mode answers 400), the choice is
 *                              sent as {@code auto}
 * @param nullableTypes         tool schemas are OpenAPI 3.0 as Gemini reads them: a type list such as
 *                              {@code ["string", "null"]} becomes {@code type} + {@code nullable: true}, {@code const}
 *                              a one-value {@code enum}, and enums of other values than strings and unknown formats
 *                              are told in the description, where a plain JSON Schema upstream takes them as they are
 * @param reasoningEfforts      the {@code reasoning_effort} values the model takes, or null for the usual
 *                              {@code low|medium|high}: the level asked for goes when listed, else the lowest listed
 *                              above it, else the highest listed; {@code none}, when listed, turns thinking off for a
 *                              client that disabled it (Groq's Qwen 3 models take only {@code none|default} and answer
 *                              400 to any other value)
 * @param reasoningRequest      how this model is asked to think, where it differs from its provider's dialect, or null:
 *                              Kimi K3 takes {@code reasoning_effort} where Moonshot's other models take
 *                              {@code thinking: {type}}
 * @param thinkOpenedInPrompt   the model's chat template ends the prompt with {@code <think>}, so a server without a
 *                              reasoning parser sends the reasoning as content that begins inside it and ends at
 *                              {@code </think>} ({@link ThinkTags}): off unless configured, since the same model
 *                              behind a server that parses its reasoning sends content that is the answer alone
 */
public record ModelCapabilities(boolean cacheControl,
                                boolean cacheTtl,
                                boolean autoCacheBreakpoints,
                                Integer maxOutputTokens,
                                Integer contextWindow,
                                int toolNameLimit,
                                Set<String> schemaKeywordsToStrip,
                                int stopSequenceLimit,
                                boolean imageInput,
                                boolean pdfInput,
                                ToolCallIdFormat toolCallIds,
                                boolean parallelToolCalls,
                                boolean forcedToolChoice,
                                boolean nullableTypes,
                                List<String> reasoningEfforts,
                                Dialect.ReasoningRequest reasoningRequest,
                                boolean thinkOpenedInPrompt) {

    public ModelCapabilities {
        reasoningEfforts = reasoningEfforts == null || reasoningEfforts.isEmpty() ? null : List.copyOf(reasoningEfforts);
    }

    /** A model that takes the usual {@code reasoning_effort} levels. */
    public ModelCapabilities(boolean cacheControl, boolean cacheTtl, boolean autoCacheBreakpoints,
                             Integer maxOutputTokens, Integer contextWindow, int toolNameLimit,
                             Set<String> schemaKeywordsToStrip, int stopSequenceLimit, boolean imageInput,
                             boolean pdfInput, ToolCallIdFormat toolCallIds, boolean parallelToolCalls,
                             boolean forcedToolChoice, boolean nullableTypes) {
        this(cacheControl, cacheTtl, autoCacheBreakpoints, maxOutputTokens, contextWindow, toolNameLimit,
                schemaKeywordsToStrip, stopSequenceLimit, imageInput, pdfInput, toolCallIds, parallelToolCalls,
                forcedToolChoice, nullableTypes, null, null, false);
    }

    /** A model that reads images and PDFs, takes any tool-call id and the {@code parallel_tool_calls} switch. */
    public ModelCapabilities(boolean cacheControl, boolean cacheTtl, boolean autoCacheBreakpoints,
                             Integer maxOutputTokens, Integer contextWindow, int toolNameLimit,
                             Set<String> schemaKeywordsToStrip, int stopSequenceLimit) {
        this(cacheControl, cacheTtl, autoCacheBreakpoints, maxOutputTokens, contextWindow, toolNameLimit,
                schemaKeywordsToStrip, stopSequenceLimit, true, true, ToolCallIdFormat.ANY, true, true, false);
    }

    /** OpenAI function names are limited to 64 characters; Anthropic allows 128. */
    public static final int OPENAI_TOOL_NAME_LIMIT = 64;
    /** OpenAI accepts at most four stop sequences. */
    public static final int OPENAI_STOP_LIMIT = 4;

    /** Any OpenAI-compatible model: no cache markers, plain JSON Schema, OpenAI's limits. */
    public static final ModelCapabilities PLAIN = new ModelCapabilities(false, false, false, null, null,
            OPENAI_TOOL_NAME_LIMIT, Set.of(), OPENAI_STOP_LIMIT);

    /** A model with prompt caching by explicit breakpoints and 1-hour TTLs, which caches only what it is told to. */
    public static final ModelCapabilities CACHING = PLAIN.withCaching(true, true, false);

    /** A Claude model: {@link #CACHING}, and breakpoints are placed for clients that send none. */
    public static final ModelCapabilities CLAUDE = PLAIN.withCaching(true, true, true);

    public ModelCapabilities withCaching(boolean markers, boolean ttl, boolean autoBreakpoints) {
        return new ModelCapabilities(markers, ttl, autoBreakpoints, maxOutputTokens, contextWindow, toolNameLimit,
                schemaKeywordsToStrip, stopSequenceLimit, imageInput, pdfInput, toolCallIds,
                parallelToolCalls, forcedToolChoice, nullableTypes, reasoningEfforts,
                reasoningRequest, thinkOpenedInPrompt);
    }

    public ModelCapabilities withMaxOutputTokens(Integer limit) {
        return new ModelCapabilities(cacheControl, cacheTtl, autoCacheBreakpoints, limit, contextWindow, toolNameLimit,
                schemaKeywordsToStrip, stopSequenceLimit, imageInput, pdfInput, toolCallIds,
                parallelToolCalls, forcedToolChoice, nullableTypes, reasoningEfforts,
                reasoningRequest, thinkOpenedInPrompt);
    }

    public ModelCapabilities withContextWindow(Integer tokens) {
        return new ModelCapabilities(cacheControl, cacheTtl, autoCacheBreakpoints, maxOutputTokens, tokens,
                toolNameLimit, schemaKeywordsToStrip, stopSequenceLimit, imageInput, pdfInput, toolCallIds,
                parallelToolCalls, forcedToolChoice, nullableTypes, reasoningEfforts,
                reasoningRequest, thinkOpenedInPrompt);
    }

    public ModelCapabilities withSchemaKeywordsToStrip(Set<String> keywords) {
        return new ModelCapabilities(cacheControl, cacheTtl, autoCacheBreakpoints, maxOutputTokens, contextWindow,
                toolNameLimit, Set.copyOf(keywords), stopSequenceLimit, imageInput, pdfInput, toolCallIds, parallelToolCalls,
                forcedToolChoice, nullableTypes, reasoningEfforts, reasoningRequest, thinkOpenedInPrompt);
    }
}

package dev.ccrouter.translate;

/**
 * How one provider speaks OpenAI chat, beyond what every OpenAI-compatible server shares. It is data: {@code route}
 * fills it from a preset file, and the translators obey it; no translator asks which provider it talks to.
 *
 * <p>Reading responses needs no switch: the stream machine reads every known spelling (reasoning as
 * {@code reasoning}, {@code reasoning_content}, {@code reasoning_details} or typed content parts; usage at the top or
 * under {@code x_groq}; cache hits as {@code cached_tokens} or {@code prompt_cache_hit_tokens}), since none of them
 * means something else elsewhere. Writing requests is where providers disagree, and that is what this record says.
 *
 * @param reasoningRequest  how a request asks for thinking
 * @param reasoningReplay   how earlier thinking goes back in the conversation history
 * @param sessionId         send Claude Code's session id as {@code session_id} (OpenRouter's sticky routing)
 * @param streamUsageOption ask for usage in streams with {@code stream_options.include_usage} (plain OpenAI servers
 *                          send none otherwise; some reject the option)
 * @param maxTokensField    the output limit's field name: {@code max_tokens}, or {@code max_completion_tokens} for
 *                          servers that took the newer name only
 * @param promptCacheKey    send Claude Code's session id as {@code prompt_cache_key}, which Moonshot and Mistral use
 *                          to route a conversation to the server that holds its cached prefix
 * @param refusedFields     body fields the provider refuses rather than ignores, left out of every request: Mistral
 *                          answers 422 to any field its schema lacks ({@code user}, {@code top_k}), OpenAI and Gemini
 *                          400 to {@code top_k}
 * @param assistantAfterToolResults an empty assistant message between tool messages and a user (or system) message
 *                          after them:
 *                          Mistral answers 400 "Unexpected role 'user' after role 'tool'", and a Claude Code turn that
 *                          carries text beside its tool results is sent that way
 * @param sessionHeader     a request header that carries Claude Code's session id, or null: xAI's
 *                          {@code x-grok-conv-id} sends a conversation to the server that holds its cached prefix
 * @param systemFirstOnly   the server's chat templates take a system message as the first message only (Qwen 3.5
 *                          and later: "System message must be at the beginning", a 400 or 500 on every Claude Code
 *                          request, which carries system messages inside {@code messages}); those go as the user's
 *                          context instead, in {@code <system-reminder>} tags
 */
public record Dialect(ReasoningRequest reasoningRequest,
                      ReasoningReplay reasoningReplay,
                      boolean sessionId,
                      boolean streamUsageOption,
                      String maxTokensField,
                      boolean promptCacheKey,
                      java.util.Set<String> refusedFields,
                      boolean assistantAfterToolResults,
                      String sessionHeader,
                      boolean systemFirstOnly) {

    public Dialect {
        refusedFields = java.util.Set.copyOf(refusedFields);
    }

    /** A dialect whose servers take system messages anywhere. */
    public Dialect(ReasoningRequest reasoningRequest, ReasoningReplay reasoningReplay, boolean sessionId,
                   boolean streamUsageOption, String maxTokensField, boolean promptCacheKey,
                   java.util.Set<String> refusedFields, boolean assistantAfterToolResults, String sessionHeader) {
        this(reasoningRequest, reasoningReplay, sessionId, streamUsageOption, maxTokensField, promptCacheKey,
                refusedFields, assistantAfterToolResults, sessionHeader, false);
    }

    /** A dialect without a cache key. */
    public Dialect(ReasoningRequest reasoningRequest, ReasoningReplay reasoningReplay, boolean sessionId,
                   boolean streamUsageOption, String maxTokensField) {
        this(reasoningRequest, reasoningReplay, sessionId, streamUsageOption, maxTokensField, false);
    }

    /** A dialect that refuses no field and takes any order of roles. */
    public Dialect(ReasoningRequest reasoningRequest, ReasoningReplay reasoningReplay, boolean sessionId,
                   boolean streamUsageOption, String maxTokensField, boolean promptCacheKey) {
        this(reasoningRequest, reasoningReplay, sessionId, streamUsageOption, maxTokensField, promptCacheKey,
                java.util.Set.of(), false, null);
    }

    /** How a request asks for thinking. */
    public enum ReasoningRequest {
        /** OpenRouter's {@code reasoning: {max_tokens | enabled, effort}} object. */
        REASONING_OBJECT,
        /** {@code reasoning_effort: low|medium|high} (OpenAI, Groq, Gemini, xAI, Ollama…); a budget maps to a level. */
        REASONING_EFFORT,
        /** {@code thinking: {type: enabled|disabled}} (DeepSeek, Moonshot, Z.ai). */
        THINKING_TYPE,
        /**
         * {@code enable_thinking: true|false} (Qwen on DashScope), which many models accept in streams only: a
         * request that does not stream always says {@code false}, since {@code true} would be a 400.
         */
        ENABLE_THINKING,
        /** The provider has no switch: thinking requests are dropped. */
        NONE
    }

    /** How an assistant turn's earlier thinking goes back upstream. */
    public enum ReasoningReplay {
        /** OpenRouter's {@code reasoning_details}, signed blocks only, in their order. */
        REASONING_DETAILS,
        /**
         * {@code reasoning_content} on the assistant message: DeepSeek and Z.ai require it on every turn that called
         * tools (an empty string when the client kept no thinking), Moonshot keeps it on every turn.
         */
        REASONING_CONTENT,
        /**
         * Gemini's thought signatures: each tool call goes back with the {@code extra_content.google.thought_signature}
         * it came with (Gemini 3 answers 400 without one).
         */
        THOUGHT_SIGNATURES,
        /** Thinking is not sent back. */
        NONE
    }

    /** OpenRouter: its reasoning object and details, sticky sessions, usage in every stream. */
    public static final Dialect OPENROUTER =
            new Dialect(ReasoningRequest.REASONING_OBJECT, ReasoningReplay.REASONING_DETAILS, true, true, "max_tokens");

    /** A plain OpenAI-compatible server. */
    public static final Dialect OPENAI_COMPATIBLE =
            new Dialect(ReasoningRequest.REASONING_EFFORT, ReasoningReplay.NONE, false, true, "max_tokens");
}

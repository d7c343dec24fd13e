package dev.ccrouter.translate;

import java.util.List;
import java.util.function.Supplier;

/**
 * What translating a response back needs from its request.
 *
 * @param messageId            the {@code msg_…} id of this response
 * @param requestedModel       echoed as {@code model}: Claude Code drops thinking it believes came from another model
 * @param toolNames            to map shortened tool names back
 * @param stopSequences        the client's stop sequences: the answer's text is held to them, and names the one matched
 * @param usage                the final usage function
 * @param estimatedInputTokens the local input estimate, shown in {@code message_start} before the upstream has counted
 * @param toolUseIds           makes ids for tool calls that the upstream sent without one
 * @param webSearchQuery       what the request's {@code web_search} server tool searched for; null when it has none
 *                             (then citations in the answer are not reported as a search)
 * @param thinkOpenedInPrompt  the model's chat template opened {@code <think>} in the prompt: its content begins
 *                             inside the reasoning ({@link ModelCapabilities#thinkOpenedInPrompt()})
 */
public record ResponseContext(String messageId,
                              String requestedModel,
                              ToolNameMap toolNames,
                              List<String> stopSequences,
                              UsageMapper usage,
                              long estimatedInputTokens,
                              Supplier<String> toolUseIds,
                              String webSearchQuery,
                              boolean thinkOpenedInPrompt) {

    /** A model whose content begins outside any reasoning. */
    public ResponseContext(String messageId, String requestedModel, ToolNameMap toolNames, List<String> stopSequences,
                           UsageMapper usage, long estimatedInputTokens, Supplier<String> toolUseIds,
                           String webSearchQuery) {
        this(messageId, requestedModel, toolNames, stopSequences, usage, estimatedInputTokens, toolUseIds,
                webSearchQuery, false);
    }

    /** A request without a web search, to a model whose content begins outside any reasoning. */
    public ResponseContext(String messageId, String requestedModel, ToolNameMap toolNames, List<String> stopSequences,
                           UsageMapper usage, long estimatedInputTokens, Supplier<String> toolUseIds) {
        this(messageId, requestedModel, toolNames, stopSequences, usage, estimatedInputTokens, toolUseIds, null);
    }
}

package dev.ccrouter.translate;

import java.util.List;
import java.util.function.Supplier;

/**
 * What translating a response back needs from its request.
 *
 * @param messageId            the {@code msg_…} id of this response
 * @param requestedModel       echoed as {@code model}: Claude Code drops thinking it believes came from another model
 * @param toolNames            to map shortened tool names back
 * @param stopSequences        the client's stop sequences, to say which one matched
 * @param usage                the final usage function
 * @param estimatedInputTokens the local input estimate, shown in {@code message_start} before the upstream has counted
 * @param toolUseIds           makes ids for tool calls that the upstream sent without one
 */
public record ResponseContext(String messageId,
                              String requestedModel,
                              ToolNameMap toolNames,
                              List<String> stopSequences,
                              UsageMapper usage,
                              long estimatedInputTokens,
                              Supplier<String> toolUseIds) {
}

package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Anthropic's {@code stop_reason} and {@code stop_sequence} for an OpenAI {@code finish_reason}.
 *
 * @param reason   {@code end_turn}, {@code max_tokens}, {@code stop_sequence}, {@code tool_use} or {@code refusal}
 * @param sequence the matched stop sequence, when it can be known; else null
 */
public record StopReason(String reason, String sequence) {

    /**
     * @param choice         the choice object that carried {@code finish_reason} (may be missing)
     * @param finishReason   OpenAI's normalized reason (may be null when the upstream sent none)
     * @param hasToolCalls   whether the answer holds tool calls: some upstreams finish {@code stop} with tool calls,
     *                       and Claude Code runs tools only on {@code tool_use}
     * @param stopSequences  the client's stop sequences. OpenAI cannot tell a stop sequence from a natural stop:
     *                       vLLM-style servers name the matched string in {@code stop_reason}; OpenRouter says
     *                       {@code native_finish_reason: "stop_sequence"}, which names it only when the client gave one
     */
    static StopReason of(JsonNode choice, String finishReason, boolean hasToolCalls, List<String> stopSequences) {
        if (cutOff(finishReason)) {
            return new StopReason("max_tokens", null);
        }
        if (finishReason != null) {
            switch (finishReason) {
                // Z.ai's sensitive: its content filter stopped the answer.
                case "content_filter", "sensitive" -> {
                    return new StopReason("refusal", null);
                }
                default -> { }
            }
        }
        if (hasToolCalls) {
            return new StopReason("tool_use", null);
        }
        if (choice != null && !stopSequences.isEmpty()) {
            JsonNode named = choice.get("stop_reason");
            if (named != null && named.isTextual() && stopSequences.contains(named.asText())) {
                return new StopReason("stop_sequence", named.asText());
            }
            if ("stop_sequence".equals(choice.path("native_finish_reason").asText())) {
                return new StopReason("stop_sequence", stopSequences.size() == 1 ? stopSequences.get(0) : null);
            }
        }
        return new StopReason("end_turn", null);
    }

    /**
     * Whether the answer was cut off by a token limit. Mistral says model_length when the model's own limit cut it;
     * Z.ai says model_context_window_exceeded when the context filled up.
     */
    static boolean cutOff(String finishReason) {
        return finishReason != null && switch (finishReason) {
            case "length", "model_length", "model_context_window_exceeded" -> true;
            default -> false;
        };
    }
}
